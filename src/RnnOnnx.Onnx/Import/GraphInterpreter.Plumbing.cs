using AttributeType = RnnOnnx.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace RnnOnnx.Onnx.Import;

/// <summary>Plumbing operators: folded on constants, followed symbolically on shapes, and axis by axis on data.</summary>
internal sealed partial class GraphInterpreter
{
    private static ConstTensor ConstantOf(NodeView node)
    {
        if (node.Find("value") is { Type: AttributeType.Tensor, T: { } tensor }) return TensorReader.Read(tensor, node);
        if (node.Find("value_float") is { Type: AttributeType.Float } f) return ConstTensor.OfFloats([], [f.F]);
        if (node.Find("value_floats") is { Type: AttributeType.Floats } fs) return ConstTensor.OfFloats([fs.Floats.Count], [.. fs.Floats]);
        if (node.Find("value_int") is { Type: AttributeType.Int } i) return ConstTensor.Scalar(i.I);
        if (node.Find("value_ints") is { Type: AttributeType.Ints } ints) return ConstTensor.OfInts([ints.Ints.Count], [.. ints.Ints]);
        throw node.Fail("a Constant without a tensor, float or integer value (string and sparse constants are not supported).");
    }

    private void Dropout(NodeView node)
    {
        var x = Need(node, 0);
        if (Get(node, 2) is { } training && !(training is ConstValue c && c.Tensor.Count == 1 && c.Tensor.ValueAt(0) == 0))
            throw node.Fail("training_mode is not a constant false: the importer maps inference graphs, where Dropout is the identity.");
        Set(node, 0, x);
        Set(node, 1, new OpaqueValue($"it uses the mask of Dropout node '{node.DisplayName}', which has no meaning at inference."));
    }

    private void Cast(NodeView node)
    {
        long to = node.Int("to", 0);
        bool toFloat = to is 1 or 10 or 11 or 16, toInteger = to is 2 or 3 or 4 or 5 or 6 or 7 or 9 or 12 or 13;
        if (!toFloat && !toInteger) throw node.Fail($"casts to element type {to}, which the importer does not follow.");
        Set(node, 0, Need(node, 0) switch
        {
            ConstValue c => new ConstValue(toFloat ? c.Tensor.ToFloats() : c.Tensor.ToInts()),
            ShapeValue s when toInteger => s,
            ZerosValue z => z,
            DataValue d when d.IsInteger == toInteger => d,
            DataValue d when d.IsInteger => throw node.Fail($"casts the integer input '{d.Source}' to floats: the importer maps integer inputs only as token ids of an embedding."),
            DataValue => throw node.Fail("casts float data to integers, which no trainer layer does."),
            _ => throw node.Fail("casts a run-time shape to floats, which the importer does not follow."),
        });
    }

    private void Shape(NodeView node)
    {
        SymDim[] dims = Need(node, 0) switch
        {
            DataValue { IsOpaque: false } d => d.Axes.Select(d.SizeOf).ToArray(),
            ZerosValue { Dims: { } zeros } => zeros,
            ConstValue c => c.Tensor.Dims.Select(SymDim.Known).ToArray(),
            ShapeValue s => s.IsScalar ? [] : [SymDim.Known(s.Items.Length)],
            _ => throw node.Fail("takes the shape of a value whose rank the importer does not know."),
        };
        int rank = dims.Length;
        long start = Clip(node.Int("start", 0), rank), end = Clip(node.Int("end", rank), rank);
        Set(node, 0, Ints(end > start ? dims[(int)start..(int)end] : [], scalar: false));

        static long Clip(long i, int rank) => Math.Clamp(i < 0 ? i + rank : i, 0, rank);
    }

    private void Size(NodeView node)
    {
        var size = Need(node, 0) switch
        {
            DataValue { IsOpaque: false } d => d.Axes.Aggregate(SymDim.One, (p, a) => p * d.SizeOf(a)),
            ConstValue c => SymDim.Known(c.Tensor.Count),
            ShapeValue s => SymDim.Known(s.IsScalar ? 1 : s.Items.Length),
            _ => SymDim.Unknown,
        };
        Set(node, 0, Ints([size], scalar: true));
    }

    private void Gather(NodeView node)
    {
        var data = Need(node, 0);
        var indices = Need(node, 1);
        long axis = node.Int("axis", 0);
        if (data is ConstValue table && indices is DataValue ids) { Embedding(node, table.Tensor, ids, axis); return; }
        var index = IntConstant(node, indices, "the indices");
        switch (data)
        {
            case ConstValue c:
                Set(node, 0, new ConstValue(_fold.Gather(node, c.Tensor, index.Ints!, index.Dims, Axis(node, axis, c.Tensor.Rank))));
                break;
            case ShapeValue s when !s.IsScalar && index.Rank <= 1:
                Axis(node, axis, 1);
                var items = index.Ints!.Select(i => i < 0 ? i + s.Items.Length : i).ToArray();
                if (items.Any(i => i < 0 || i >= s.Items.Length)) throw node.Fail($"index out of range for a shape of {s.Items.Length} dimensions.");
                Set(node, 0, Ints(items.Select(i => s.Items[i]).ToArray(), scalar: index.Rank == 0));
                break;
            case DataValue d:
                Set(node, 0, Follow(d, () => GatherData(node, d, index, axis)));
                break;
            case ZerosValue { Dims: { } zeros }:
                int at = Axis(node, axis, zeros.Length);
                Set(node, 0, new ZerosValue([.. zeros[..at], .. index.Dims.Select(SymDim.Known), .. zeros[(at + 1)..]]));
                break;
            case ZerosValue:
                Set(node, 0, ZerosValue.OfRank(-1));
                break;
            default:
                throw node.Fail("gathers from a value the importer does not follow.");
        }
    }

    private void Slice(NodeView node)
    {
        var data = Need(node, 0);
        if (data is DataValue { IsOpaque: true }) { Set(node, 0, data); return; }
        long[] starts, ends;
        long[]? axes, steps = null;
        if (node.InputName(1).Length > 0)
        {
            starts = IntList(node, Need(node, 1), "starts");
            ends = IntList(node, Need(node, 2), "ends");
            axes = Get(node, 3) is { } a ? IntList(node, a, "axes") : null;
            steps = Get(node, 4) is { } s ? IntList(node, s, "steps") : null;
        }
        else
        {
            starts = node.Ints("starts") ?? throw node.Fail("has no starts.");
            ends = node.Ints("ends") ?? throw node.Fail("has no ends.");
            axes = node.Ints("axes");
        }
        int n = starts.Length;
        if (n == 0) { Set(node, 0, data); return; }
        if (ends.Length != n || (axes is not null && axes.Length != n) || (steps is not null && steps.Length != n))
            throw node.Fail("starts, ends, axes and steps differ in length.");
        axes ??= Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, n).ToArray();
        if (steps.Any(s => s == 0)) throw node.Fail("has a step of 0.");
        int rank = data switch
        {
            ConstValue c => c.Tensor.Rank,
            ShapeValue s => s.IsScalar ? 0 : 1,
            DataValue { IsOpaque: false } d => d.Rank,
            ZerosValue z => z.Rank,
            _ => -1,
        };
        if (rank < 0)
        {
            if (data is ZerosValue) { Set(node, 0, data); return; }
            throw node.Fail("slices a value whose rank the importer does not know.");
        }
        var normalized = axes.Select(a => Axis(node, a, rank)).ToArray();
        if (normalized.Distinct().Count() != n) throw node.Fail("slices one axis twice.");
        switch (data)
        {
            case ConstValue c:
                var keep = c.Tensor.Dims.Select(d => Range(d)).ToArray();
                for (int i = 0; i < n; i++) keep[normalized[i]] = SliceRange(c.Tensor.Dims[normalized[i]], starts[i], ends[i], steps[i]);
                Set(node, 0, new ConstValue(_fold.Select(node, c.Tensor, keep)));
                break;
            case ShapeValue s when !s.IsScalar:
                var picked = SliceRange(s.Items.Length, starts[0], ends[0], steps[0]);
                Set(node, 0, Ints(picked.Select(i => s.Items[i]).ToArray(), scalar: false));
                break;
            case DataValue d:
                Set(node, 0, Follow(d, () =>
                {
                    var sliced = d;
                    for (int i = 0; i < n; i++) sliced = SliceData(node, sliced, normalized[i], starts[i], ends[i], steps[i]);
                    return sliced;
                }));
                break;
            case ZerosValue z:
                var dims = (SymDim[])z.Dims!.Clone();
                for (int i = 0; i < n; i++)
                {
                    var d = dims[normalized[i]];
                    bool whole = steps[i] == 1 && (starts[i] == 0 || starts[i] <= -int.MaxValue) && ends[i] >= int.MaxValue;
                    dims[normalized[i]] = d.IsKnown ? SymDim.Known(SliceRange(d.Coefficient, starts[i], ends[i], steps[i]).Length) : whole ? d : SymDim.Unknown;
                }
                Set(node, 0, new ZerosValue(dims));
                break;
            default:
                throw node.Fail("slices a scalar.");
        }

        static long[] Range(long d) => Enumerable.Range(0, (int)d).Select(i => (long)i).ToArray();
    }

    /// <summary>ONNX Slice semantics along one axis of size <paramref name="dim"/>: the coordinates kept, in order.</summary>
    internal static long[] SliceRange(long dim, long start, long end, long step)
    {
        if (dim <= 0) return [];
        start = start < 0 ? Math.Max(start, -dim - 1) + dim : start;
        end = end < 0 ? Math.Max(end, -dim - 1) + dim : end;
        step = step > 0 ? Math.Min(step, dim + 1) : Math.Max(step, -dim - 1);
        var kept = new List<long>();
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            for (long i = start; i < end; i += step) kept.Add(i);
        }
        else
        {
            start = Math.Clamp(start, 0, dim - 1);
            end = Math.Clamp(end, -1, dim - 1);
            for (long i = start; i > end; i += step) kept.Add(i);
        }
        return [.. kept];
    }

    private long[]? SqueezeAxes(NodeView node) =>
        node.InputName(1).Length > 0 ? IntList(node, Need(node, 1), "axes") : node.Ints("axes");

    private void Squeeze(NodeView node)
    {
        var data = Need(node, 0);
        var axes = SqueezeAxes(node);
        switch (data)
        {
            case ConstValue c:
                var drop = axes is null
                    ? Enumerable.Range(0, c.Tensor.Rank).Where(j => c.Tensor.Dims[j] == 1).ToHashSet()
                    : axes.Select(a => Axis(node, a, c.Tensor.Rank)).ToHashSet();
                if (drop.Any(j => c.Tensor.Dims[j] != 1)) throw node.Fail("squeezes an axis whose size is not 1.");
                Set(node, 0, new ConstValue(c.Tensor.Reshaped(c.Tensor.Dims.Where((_, j) => !drop.Contains(j)).ToArray())));
                break;
            case ShapeValue { IsScalar: false, Items.Length: 1 } s when axes is null or [0] or [-1]:
                Set(node, 0, Ints(s.Items, scalar: true));
                break;
            case DataValue d:
                Set(node, 0, Follow(d, () => SqueezeData(node, d, axes)));
                break;
            case ZerosValue { Dims: { } zeros } when axes is not null:
                var gone = axes.Select(a => Axis(node, a, zeros.Length)).ToHashSet();
                if (gone.Any(j => zeros[j].IsKnown && zeros[j].Coefficient != 1)) throw node.Fail("squeezes an axis whose size is not 1.");
                Set(node, 0, new ZerosValue(zeros.Where((_, j) => !gone.Contains(j)).ToArray()));
                break;
            case ZerosValue:
                Set(node, 0, ZerosValue.OfRank(-1));
                break;
            default:
                throw node.Fail("squeezes a value the importer does not follow.");
        }
    }

    private void Unsqueeze(NodeView node)
    {
        var data = Need(node, 0);
        var axes = SqueezeAxes(node) ?? throw node.Fail("has no axes.");
        switch (data)
        {
            case ConstValue c:
                int rank = c.Tensor.Rank + axes.Length;
                var inserted = axes.Select(a => Axis(node, a, rank)).ToHashSet();
                if (inserted.Count != axes.Length) throw node.Fail("repeats an axis.");
                var dims = new long[rank];
                for (int j = 0, k = 0; j < rank; j++) dims[j] = inserted.Contains(j) ? 1 : c.Tensor.Dims[k++];
                Set(node, 0, new ConstValue(c.Tensor.Reshaped(dims)));
                break;
            case ShapeValue { IsScalar: true } s when axes is [0] or [-1]:
                Set(node, 0, Ints(s.Items, scalar: false));
                break;
            case DataValue d:
                Set(node, 0, Follow(d, () => UnsqueezeData(node, d, axes)));
                break;
            case ZerosValue { Dims: { } zeros }:
                int grown = zeros.Length + axes.Length;
                var added = axes.Select(a => Axis(node, a, grown)).ToHashSet();
                var expanded = new SymDim[grown];
                for (int j = 0, k = 0; j < grown; j++) expanded[j] = added.Contains(j) ? SymDim.One : k < zeros.Length ? zeros[k++] : SymDim.Unknown;
                Set(node, 0, new ZerosValue(expanded));
                break;
            case ZerosValue:
                Set(node, 0, ZerosValue.OfRank(-1));
                break;
            default:
                throw node.Fail("unsqueezes a value the importer does not follow.");
        }
    }

    private void Concat(NodeView node)
    {
        if (!node.Has("axis")) throw node.Fail("has no axis.");
        long axis = node.Int("axis", 0);
        var parts = Enumerable.Range(0, node.Proto.Input.Count).Select(i => Get(node, i)).OfType<Value>().ToList();
        if (parts.Count == 0) throw node.Fail("has no inputs.");
        if (parts.All(p => p is ConstValue))
        {
            var tensors = parts.Cast<ConstValue>().Select(c => c.Tensor).ToList();
            Set(node, 0, new ConstValue(_fold.Concat(node, tensors, Axis(node, axis, tensors[0].Rank))));
        }
        else if (parts.All(p => p is ShapeValue { IsScalar: false } || p is ConstValue { Tensor: { Rank: 1, IsFloat: false } }))
        {
            Axis(node, axis, 1);
            Set(node, 0, Ints(parts.SelectMany(p => Symbolic(p)!).ToArray(), scalar: false));
        }
        else if (parts.All(p => p is ZerosValue))
            Set(node, 0, ConcatZeros(node, parts.Cast<ZerosValue>().ToArray(), axis));
        else if (parts.All(p => p is DataValue))
            Set(node, 0, ConcatData(node, parts.Cast<DataValue>().ToArray(), axis));
        else
            throw node.Fail($"concatenates {string.Join(", ", parts.Select(KindOf).Distinct())}, which the importer does not follow.");
    }

    private void Transpose(NodeView node)
    {
        var data = Need(node, 0);
        if (data is DataValue { IsOpaque: true }) { Set(node, 0, data); return; }
        int rank = data switch
        {
            ConstValue c => c.Tensor.Rank,
            DataValue { IsOpaque: false } d => d.Rank,
            ShapeValue s => s.IsScalar ? 0 : 1,
            ZerosValue z => z.Rank,
            _ => -1,
        };
        var perm = node.Ints("perm") is { } p ? p : rank >= 0 ? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray() : null;
        if (data is ZerosValue { Dims: null }) { Set(node, 0, data); return; }
        if (perm is null || perm.Length != rank || perm.Any(i => i < 0 || i >= rank) || perm.Distinct().Count() != rank)
            throw node.Fail($"perm {NodeView.Describe(perm ?? [])} is not a permutation of the {rank} axes.");
        var order = perm.Select(i => (int)i).ToArray();
        Set(node, 0, data switch
        {
            ConstValue c => new ConstValue(_fold.Transpose(node, c.Tensor, order)),
            DataValue d => d.With(axes: order.Select(i => d.Axes[i]).ToArray()),
            ZerosValue z => new ZerosValue(order.Select(i => z.Dims![i]).ToArray()),
            _ => data,
        });
    }

    private void Reshape(NodeView node)
    {
        var data = Need(node, 0);
        var targets = Dims(node, Need(node, 1), "the target shape");
        bool allowZero = node.Int("allowzero", 0) != 0;
        switch (data)
        {
            case ConstValue c:
                Set(node, 0, new ConstValue(c.Tensor.Reshaped(ConstReshape(node, c.Tensor, targets, allowZero))));
                break;
            case DataValue d:
                Set(node, 0, Follow(d, () => ReshapeData(node, d, targets, allowZero)));
                break;
            case ZerosValue z:
                Set(node, 0, new ZerosValue(targets.Select((t, i) =>
                    t.IsKnown && t.Coefficient == 0 && !allowZero ? (z.Dims is { } zd && i < zd.Length ? zd[i] : SymDim.Unknown)
                    : t.IsKnown && t.Coefficient < 0 ? SymDim.Unknown : t).ToArray()));
                break;
            case ShapeValue s when targets.Length == 0 && s.Items.Length == 1:
                Set(node, 0, Ints(s.Items, scalar: true));
                break;
            case ShapeValue s when targets.Length == 1:
                Set(node, 0, Ints(s.Items, scalar: false));
                break;
            default:
                throw node.Fail("reshapes a value the importer does not follow.");
        }
    }

    private static long[] ConstReshape(NodeView node, ConstTensor c, SymDim[] targets, bool allowZero)
    {
        var dims = new long[targets.Length];
        int infer = -1;
        for (int i = 0; i < targets.Length; i++)
        {
            if (!targets[i].IsKnown) throw node.Fail("reshapes a constant to a run-time shape.");
            long t = targets[i].Coefficient;
            if (t == 0 && !allowZero)
            {
                if (i >= c.Rank) throw node.Fail($"target dimension {i} is 0 (copy), but the constant has rank {c.Rank}.");
                t = c.Dims[i];
            }
            if (t == -1)
            {
                if (infer >= 0) throw node.Fail("has more than one −1 in its target shape.");
                infer = i;
                continue;
            }
            if (t < 0 || t > int.MaxValue) throw node.Fail($"target dimension {t} is invalid.");
            dims[i] = t;
        }
        long known = ConstTensor.CountOf(dims.Where((_, i) => i != infer));
        if (infer >= 0)
        {
            if (known <= 0 || c.Count % known != 0) throw node.Fail($"cannot infer the −1 dimension: {c.Count} values do not divide into {known}.");
            dims[infer] = c.Count / known;
        }
        if (ConstTensor.CountOf(dims) != c.Count) throw node.Fail($"reshapes {c.Count} values to {NodeView.Describe(dims)}.");
        return dims;
    }

    private void Flatten(NodeView node)
    {
        var data = Need(node, 0);
        if (data is DataValue { IsOpaque: true }) { Set(node, 0, data); return; }
        long axis = node.Int("axis", 1);
        switch (data)
        {
            case ConstValue c:
                int at = FlattenAxis(node, axis, c.Tensor.Rank);
                Set(node, 0, new ConstValue(c.Tensor.Reshaped([ConstTensor.CountOf(c.Tensor.Dims[..at]), ConstTensor.CountOf(c.Tensor.Dims[at..])])));
                break;
            case DataValue { IsOpaque: false } d:
                int k = FlattenAxis(node, axis, d.Rank);
                Set(node, 0, d.With(axes: [d.Axes[..k].SelectMany(a => a).ToArray(), d.Axes[k..].SelectMany(a => a).ToArray()]));
                break;
            case ZerosValue { Dims: { } zeros }:
                int split = FlattenAxis(node, axis, zeros.Length);
                Set(node, 0, new ZerosValue([zeros[..split].Aggregate(SymDim.One, SymDim.Multiply), zeros[split..].Aggregate(SymDim.One, SymDim.Multiply)]));
                break;
            case ZerosValue:
                Set(node, 0, ZerosValue.OfRank(2));
                break;
            default:
                throw node.Fail("flattens a value the importer does not follow.");
        }

        static int FlattenAxis(NodeView node, long axis, int rank)
        {
            long a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a > rank) throw node.Fail($"axis {axis} is out of range for rank {rank}.");
            return (int)a;
        }
    }

    private void Expand(NodeView node)
    {
        var data = Need(node, 0);
        var targets = Dims(node, Need(node, 1), "the target shape");
        switch (data)
        {
            case ZerosValue z:
                Set(node, 0, z.Dims is { } zeros ? new ZerosValue(Broadcast(node, zeros, targets)) : z);
                break;
            case ConstValue c when c.Tensor.IsAllZero:
                Set(node, 0, new ZerosValue(Broadcast(node, c.Tensor.Dims.Select(SymDim.Known).ToArray(), targets)));
                break;
            case ConstValue c when targets.All(t => t.IsKnown):
                var dims = ConstFolder.BroadcastDims(c.Tensor.Dims, targets.Select(t => t.Coefficient).ToArray());
                var expanded = dims is null || dims.Any(d => d < 0) ? null : _fold.BroadcastTo(node, c.Tensor, dims);
                Set(node, 0, new ConstValue(expanded ?? throw node.Fail($"cannot expand {NodeView.Describe(c.Tensor.Dims)} to the target shape.")));
                break;
            case DataValue d:
                Set(node, 0, Follow(d, () => ExpandData(node, d, targets)));
                break;
            default:
                throw node.Fail("expands a value the importer does not follow (a non-zero constant to a run-time shape).");
        }
    }

    private void ConstantOfShape(NodeView node)
    {
        var targets = Dims(node, Need(node, 0), "the shape");
        var fill = node.Find("value") is { Type: AttributeType.Tensor, T: { } tensor } ? TensorReader.Read(tensor, node) : ConstTensor.OfFloats([1], [0f]);
        if (fill.Count != 1) throw node.Fail("its value must hold exactly one element.");
        if (fill.ValueAt(0) == 0) { Set(node, 0, new ZerosValue(targets)); return; }
        if (targets.Any(t => !t.IsKnown || t.Coefficient < 0 || t.Coefficient > int.MaxValue))
        {
            Set(node, 0, new OpaqueValue($"it uses node '{node.DisplayName}' (ConstantOfShape), a non-zero fill of a run-time shape, which the importer does not follow."));
            return;
        }
        var dims = targets.Select(t => t.Coefficient).ToArray();
        Set(node, 0, new ConstValue(_fold.BroadcastTo(node, fill.Reshaped([]), dims)!));
    }

    /// <summary>Numpy broadcast of two symbolic shapes (unknown where it cannot tell).</summary>
    private static SymDim[] Broadcast(NodeView node, SymDim[] a, SymDim[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new SymDim[rank];
        for (int j = 0; j < rank; j++)
        {
            var x = j - (rank - a.Length) < 0 ? SymDim.One : a[j - (rank - a.Length)];
            var y = j - (rank - b.Length) < 0 ? SymDim.One : b[j - (rank - b.Length)];
            dims[j] = x.SameAs(SymDim.One) ? y : y.SameAs(SymDim.One) || x.SameAs(y) ? x
                : x.IsKnown && y.IsKnown ? throw node.Fail($"shapes {x} and {y} do not broadcast.") : SymDim.Unknown;
        }
        return dims;
    }

    private static ZerosValue ConcatZeros(NodeView node, ZerosValue[] parts, long axisAttribute)
    {
        if (parts.Any(p => p.Dims is null) || parts.Select(p => p.Rank).Distinct().Count() != 1) return ZerosValue.OfRank(-1);
        int axis = Axis(node, axisAttribute, parts[0].Rank);
        var dims = (SymDim[])parts[0].Dims!.Clone();
        dims[axis] = parts.Skip(1).Aggregate(dims[axis], (sum, p) => sum.Plus(p.Dims![axis], 1));
        return new ZerosValue(dims);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static int Axis(NodeView node, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw node.Fail($"axis {axis} is out of range for rank {rank}.");
        return (int)a;
    }

    /// <summary>An integer constant (or a fully known run-time shape) as a tensor.</summary>
    private static ConstTensor IntConstant(NodeView node, Value value, string what) => value switch
    {
        ConstValue { Tensor.IsFloat: false } c => c.Tensor,
        ShapeValue s when s.Items.All(i => i.IsKnown) => s.IsScalar ? ConstTensor.Scalar(s.Items[0].Coefficient) : ConstTensor.OfInts([s.Items.Length], s.Items.Select(i => i.Coefficient).ToArray()),
        _ => throw node.Fail($"{what} must be integer constants, but they are {KindOf(value)}."),
    };

    private static long[] IntList(NodeView node, Value value, string what)
    {
        var t = IntConstant(node, value, what);
        if (t.Rank > 1) throw node.Fail($"{what} must be a list of integers.");
        return t.Ints!;
    }

    /// <summary>A shape argument as symbolic dimensions.</summary>
    private static SymDim[] Dims(NodeView node, Value value, string what) =>
        Symbolic(value) is { } items && value is not ShapeValue { IsScalar: true } && value is not ConstValue { Tensor.Rank: 0 }
            ? items
            : throw node.Fail($"{what} must be a list of integers, known or computed from shapes, but it is {KindOf(value)}.");

    private static SymDim[]? Symbolic(Value value) => value switch
    {
        ShapeValue s => s.Items,
        ConstValue { Tensor: { IsFloat: false, Rank: <= 1 } t } => t.Ints!.Select(SymDim.Known).ToArray(),
        _ => null,
    };

    /// <summary>An integer scalar or vector: a constant when every element is known, else symbolic.</summary>
    private static Value Ints(SymDim[] items, bool scalar)
    {
        if (items.All(i => i.IsKnown))
        {
            var values = items.Select(i => i.Coefficient).ToArray();
            return new ConstValue(scalar ? ConstTensor.Scalar(values[0]) : ConstTensor.OfInts([values.Length], values));
        }
        return new ShapeValue(items, scalar);
    }

    private static string KindOf(Value? value) => value switch
    {
        ConstValue c => c.Tensor.IsFloat ? "a float constant" : "an integer constant",
        ShapeValue => "a run-time shape",
        ZerosValue => "zeros",
        DataValue { IsInput: true } d => $"the graph input '{d.Source}'",
        DataValue => "data computed by layers",
        _ => "nothing",
    };
}
