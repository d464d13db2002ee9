namespace RnnOnnx.Onnx.Import;

/// <summary>Plumbing on data values: what Gather, Slice, Squeeze, Concat, Reshape … do to the axes, and where they would change what the trainer computes.</summary>
internal sealed partial class GraphInterpreter
{
    private DataValue GatherData(NodeView node, DataValue d, ConstTensor index, long axisAttribute)
    {
        CheckData(node, d, "the data");
        int axis = Axis(node, axisAttribute, d.Rank);
        if (index.Rank > 1) throw node.Fail($"gathers from data with indices of rank {index.Rank}; the importer follows scalar or 1-D indices.");
        long[] picks = index.Ints!;
        bool scalar = index.Rank == 0;
        var significant = d.Significant(d.Axes[axis]);
        if (significant.Length == 0)
        {
            if (picks is not ([0] or [-1])) throw node.Fail($"gathers {NodeView.Describe(picks)} along an axis of size 1.");
            return scalar ? d.With(axes: RemoveAxis(node, d, axis)) : d;
        }
        if (significant is [{ Kind: AtomKind.Directions }])
        {
            int n = d.Entries.Length;
            var chosen = picks.Select(i => i < 0 ? i + n : i).ToArray();
            if (chosen.Length == 0 || chosen.Any(i => i < 0 || i >= n)) throw node.Fail($"picks {NodeView.Describe(picks)} out of {n} directions or states.");
            var entries = chosen.Select(i => d.Entries[i]).ToArray();
            return scalar ? new DataValue(RemoveAxis(node, d, axis), entries, d.Source, d.IsInteger) : d.With(entries: entries);
        }
        if (significant is [{ IsSequenceAxis: true } atom])
        {
            var lastStep = LastStep(node, d, atom, picks is [-1], $"gathers {NodeView.Describe(picks)}");
            lastStep = lastStep.With(axes: d.Axes.Select((a, j) => j == axis ? a.Where(x => x != atom).ToArray() : a).ToArray());
            return scalar ? lastStep.With(axes: RemoveAxis(node, lastStep, axis)) : lastStep;
        }
        throw node.Fail($"gathers along an axis holding {DescribeAxis(d, axis)}: the importer follows Gather on data only to pick directions, states or the last time step.");
    }

    /// <summary>The entries of <paramref name="d"/> after keeping only the last time step along <paramref name="atom"/>.</summary>
    private DataValue LastStep(NodeView node, DataValue d, Atom atom, bool isLast, string what)
    {
        if (d.IsInput) throw node.Fail($"{what} from the graph input directly: the trainer reads whole sequences.");
        switch (IsTime(atom))
        {
            case null: throw node.Fail($"{what} along an input axis before any recurrent node showed whether it is batch or time.");
            case false: throw node.Fail($"{what} along the batch axis: the trainer computes every row of a batch.");
        }
        if (!isLast) throw node.Fail($"{what} along the time axis: the trainer can keep only the last step (index −1), right after a recurrent layer.");
        if (d.Entries.Any(e => e.Kind != EntryKind.Output)) throw node.Fail($"{what} along the time axis of a value that is not a layer's per-step output.");
        return d.With(entries: d.Entries.Select(e => e with { Kind = EntryKind.LastStep, Node = node.DisplayName }).ToArray());
    }

    private DataValue SliceData(NodeView node, DataValue d, int axis, long start, long end, long step)
    {
        CheckData(node, d, "the data");
        var significant = d.Significant(d.Axes[axis]);
        bool whole = step == 1 && (start == 0 || start <= -int.MaxValue) && end >= int.MaxValue;
        if (significant.Length == 0)
        {
            if (SliceRange(1, start, end, step).Length != 1) throw node.Fail("takes an empty slice.");
            return d;
        }
        if (significant is [{ Kind: AtomKind.Directions }])
        {
            var kept = SliceRange(d.Entries.Length, start, end, step);
            if (kept.Length == 0) throw node.Fail("takes an empty slice of directions or states.");
            return d.With(entries: kept.Select(i => d.Entries[i]).ToArray());
        }
        if (significant is [{ Kind: AtomKind.Features, Width: > 0 } features])
        {
            var kept = SliceRange(features.Width, start, end, step);
            if (kept.Length == features.Width && kept.Select((k, i) => k == i).All(ok => ok)) return d;
            throw node.Fail("slices the features: no trainer layer drops features.");
        }
        if (whole) return d;
        if (significant is [{ IsSequenceAxis: true } atom])
        {
            var lastStep = LastStep(node, d, atom, step == 1 && start == -1 && end >= int.MaxValue, $"slices [{start}:{end}:{step}]");
            return lastStep.With(axes: d.Axes.Select((a, j) => j == axis ? a.Where(x => x != atom).ToArray() : a).ToArray());
        }
        throw node.Fail($"slices [{start}:{end}:{step}] along an axis of {Describe(d)} that merges several, which the importer does not follow.");
    }

    /// <summary>The axes without axis k; its size-one atoms (if any) join a neighbour so that the data order stays.</summary>
    private static Atom[][] RemoveAxis(NodeView node, DataValue d, int k)
    {
        var axes = d.Axes.ToList();
        var moved = axes[k];
        axes.RemoveAt(k);
        if (moved.Length > 0)
        {
            if (axes.Count == 0) throw node.Fail("would turn data into a scalar.");
            if (k > 0) axes[k - 1] = [.. axes[k - 1], .. moved];
            else axes[0] = [.. moved, .. axes[0]];
        }
        return [.. axes];
    }

    private DataValue SqueezeData(NodeView node, DataValue d, long[]? axes)
    {
        CheckData(node, d, "the data");
        var targets = axes is null
            ? Enumerable.Range(0, d.Rank).Where(j => d.Significant(d.Axes[j]).Length == 0).ToList()
            : axes.Select(a => Axis(node, a, d.Rank)).Distinct().ToList();
        foreach (int j in targets)
            if (d.Significant(d.Axes[j]).Length > 0)
                throw node.Fail($"squeezes axis {j} of {Describe(d)}, which is not of size 1.");
        foreach (int j in targets.OrderDescending()) d = d.With(axes: RemoveAxis(node, d, j));
        return d;
    }

    private static DataValue UnsqueezeData(NodeView node, DataValue d, long[] axes)
    {
        CheckData(node, d, "the data");
        int rank = d.Rank + axes.Length;
        var inserted = axes.Select(a => Axis(node, a, rank)).ToHashSet();
        if (inserted.Count != axes.Length) throw node.Fail("repeats an axis.");
        var result = new Atom[rank][];
        for (int j = 0, k = 0; j < rank; j++) result[j] = inserted.Contains(j) ? [] : d.Axes[k++];
        return d.With(axes: result);
    }

    /// <summary>
    /// Concatenation of directions or states (Y_h of several layers, <c>cat([h_n[-2], h_n[-1]], 1)</c>): along an axis
    /// that holds only directions and/or features of equal width, with the other axes alike.
    /// </summary>
    private DataValue ConcatData(NodeView node, DataValue[] parts, long axisAttribute)
    {
        foreach (var p in parts)
        {
            CheckData(node, p, "the data");
            if (p.IsInput) throw node.Fail($"concatenates the graph input '{p.Source}': no trainer layer does.");
        }
        if (parts.Length == 1) return parts[0];
        int rank = parts[0].Rank;
        if (parts.Any(p => p.Rank != rank)) throw node.Fail("concatenates data of different ranks.");
        int axis = Axis(node, axisAttribute, rank);
        long? width = null;
        var entries = new List<Entry>();
        foreach (var p in parts)
        {
            var along = p.Axes[axis].Where(a => !(a.Kind == AtomKind.Directions && p.Entries.Length == 1)).ToArray();
            bool shapeOk = along is [] or [{ Kind: AtomKind.Features }] or [{ Kind: AtomKind.Directions }] or [{ Kind: AtomKind.Directions }, { Kind: AtomKind.Features }];
            long w = along.Length > 0 && along[^1].Kind == AtomKind.Features ? along[^1].Width : 0;
            if (!shapeOk || (width is { } known && known != w) || w < 0)
                throw node.Fail($"concatenates {string.Join(" and ", parts.Select(Describe))} along axis {axis}: the importer follows concatenation of whole directions or states of equal width only.");
            width = w;
            for (int j = 0; j < rank; j++)
            {
                if (j == axis) continue;
                if (p.Axes[j].Any(a => a.Kind == AtomKind.Directions) && p.Entries.Length > 1)
                    throw node.Fail("concatenates along an axis other than the one holding the directions.");
                if (!p.Significant(p.Axes[j]).SequenceEqual(parts[0].Significant(parts[0].Axes[j])))
                    throw node.Fail($"concatenates {string.Join(" and ", parts.Select(Describe))}, whose other axes differ.");
            }
            entries.AddRange(p.Entries);
        }
        var axes = parts[0].Axes.Select(a => a.Where(x => x.Kind != AtomKind.Directions).ToArray()).ToArray();
        axes[axis] = width > 0 ? [Atom.Directions, Atom.Features(width.Value)] : [Atom.Directions];
        return new DataValue(axes, [.. entries]);
    }

    private DataValue ReshapeData(NodeView node, DataValue d, SymDim[] targets, bool allowZero)
    {
        CheckData(node, d, "the data");
        var resolved = new SymDim?[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            var t = targets[i];
            if (t.IsUnknown) throw node.Fail("reshapes data to a size computed at run time in a way the importer does not follow.");
            if (t.IsKnown && t.Coefficient == 0 && !allowZero)
            {
                if (i >= d.Rank) throw node.Fail($"target dimension {i} is 0 (copy), but the data has rank {d.Rank}.");
                resolved[i] = d.SizeOf(d.Axes[i]);
            }
            else if (t.IsKnown && t.Coefficient == -1)
            {
                if (Array.IndexOf(resolved, null, 0, i) >= 0) throw node.Fail("has more than one −1 in its target shape.");
                resolved[i] = null;
            }
            else if (t.Coefficient <= 0) throw node.Fail($"target dimension {t} is invalid for data.");
            else resolved[i] = t;
        }
        var axes = ReshapeSolver.Solve(d, resolved)
            ?? throw node.Fail($"reshapes {Describe(d)} to [{string.Join(", ", targets.Select(t => t.ToString()))}], which would split or interleave features, directions, batch or time.");
        return d.With(axes: axes);
    }

    private DataValue ExpandData(NodeView node, DataValue d, SymDim[] targets)
    {
        CheckData(node, d, "the data");
        int extra = targets.Length - d.Rank;
        for (int j = 0; j < targets.Length; j++)
        {
            var t = targets[j];
            bool ok = t.SameAs(SymDim.One) || (j >= extra && t.SameAs(d.SizeOf(d.Axes[j - extra])));
            if (!ok) throw node.Fail($"broadcasts {Describe(d)} to a larger shape: no trainer layer repeats data.");
        }
        return extra > 0 ? d.With(axes: [.. Enumerable.Range(0, extra).Select(_ => Array.Empty<Atom>()), .. d.Axes]) : d;
    }
}
