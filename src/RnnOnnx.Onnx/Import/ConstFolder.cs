namespace RnnOnnx.Onnx.Import;

/// <summary>
/// Evaluates plumbing on constants (Transpose, Slice, Gather, Concat, arithmetic with broadcasting, Expand), within a
/// budget of values so that a crafted model cannot make the importer allocate without bound.
/// </summary>
internal sealed class ConstFolder
{
    /// <summary>Values the importer may create by folding, over the whole import.</summary>
    public const long Budget = 1 << 24;

    private long _used;

    private void Spend(NodeView node, long count)
    {
        if (count < 0 || count > Budget - _used)
            throw node.Fail($"folding its constant inputs would create more than {Budget} values; the importer does not evaluate constant computations that large.");
        _used += count;
    }

    /// <summary>
    /// The general case: output element (i0, …, in) is source element Σ offsets[j][ij], over <paramref name="loopDims"/>
    /// (which may group several output axes into one, as Gather's index axes), reported with <paramref name="dims"/>.
    /// </summary>
    private ConstTensor Map(NodeView node, ConstTensor source, long[] loopDims, long[][] offsets, long[] dims)
    {
        long count = ConstTensor.CountOf(loopDims);
        Spend(node, count);
        var indices = new int[count];
        int rank = loopDims.Length;
        var coord = new long[rank];
        long offset = 0;
        for (int j = 0; j < rank; j++) offset += loopDims[j] > 0 ? offsets[j][0] : 0;
        for (long k = 0; k < count; k++)
        {
            indices[k] = (int)offset;
            for (int j = rank - 1; j >= 0; j--)
            {
                offset -= offsets[j][coord[j]];
                if (++coord[j] < loopDims[j]) { offset += offsets[j][coord[j]]; break; }
                coord[j] = 0;
                offset += offsets[j][0];
            }
        }
        return source.Pick(dims, indices);
    }

    public ConstTensor Transpose(NodeView node, ConstTensor t, int[] perm)
    {
        var strides = ConstTensor.Strides(t.Dims);
        var dims = perm.Select(p => t.Dims[p]).ToArray();
        var offsets = perm.Select(p => Enumerable.Range(0, (int)t.Dims[p]).Select(c => c * strides[p]).ToArray()).ToArray();
        return Map(node, t, dims, offsets, dims);
    }

    /// <summary>Keeps, along each axis, the listed coordinates.</summary>
    public ConstTensor Select(NodeView node, ConstTensor t, long[][] keep)
    {
        var strides = ConstTensor.Strides(t.Dims);
        var dims = keep.Select(k => (long)k.Length).ToArray();
        var offsets = keep.Select((k, j) => k.Select(c => c * strides[j]).ToArray()).ToArray();
        return Map(node, t, dims, offsets, dims);
    }

    public ConstTensor Gather(NodeView node, ConstTensor t, long[] indices, long[] indexDims, int axis)
    {
        if (t.Rank == 0) throw node.Fail("gathers from a scalar.");
        var strides = ConstTensor.Strides(t.Dims);
        long size = t.Dims[axis];
        var picked = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            long index = indices[i] < 0 ? indices[i] + size : indices[i];
            if (index < 0 || index >= size) throw node.Fail($"index {indices[i]} is out of range for an axis of size {size}.");
            picked[i] = index * strides[axis];
        }
        var loop = new List<long>();
        var offsets = new List<long[]>();
        for (int j = 0; j < t.Rank; j++)
        {
            if (j == axis) { loop.Add(indices.Length); offsets.Add(picked); continue; }
            loop.Add(t.Dims[j]);
            long stride = strides[j];
            offsets.Add(Enumerable.Range(0, (int)t.Dims[j]).Select(c => c * stride).ToArray());
        }
        long[] dims = [.. t.Dims[..axis], .. indexDims, .. t.Dims[(axis + 1)..]];
        return Map(node, t, [.. loop], [.. offsets], dims);
    }

    public ConstTensor Concat(NodeView node, IReadOnlyList<ConstTensor> parts, int axis)
    {
        var first = parts[0];
        foreach (var p in parts)
        {
            if (p.Rank != first.Rank || p.IsFloat != first.IsFloat) throw node.Fail("concatenates constants of different ranks or types.");
            for (int j = 0; j < p.Rank; j++)
                if (j != axis && p.Dims[j] != first.Dims[j]) throw node.Fail("concatenates constants whose other dimensions differ.");
        }
        var dims = (long[])first.Dims.Clone();
        dims[axis] = parts.Sum(p => p.Dims[axis]);
        long count = ConstTensor.CountOf(dims);
        Spend(node, count);
        long outer = ConstTensor.CountOf(first.Dims[..axis]);
        var floats = first.IsFloat ? new float[count] : null;
        var ints = first.IsFloat ? null : new long[count];
        long at = 0;
        for (long o = 0; o < outer; o++)
            foreach (var p in parts)
            {
                long block = ConstTensor.CountOf(p.Dims[axis..]);
                if (floats is not null) Array.Copy(p.Floats!, o * block, floats, at, block);
                else Array.Copy(p.Ints!, o * block, ints!, at, block);
                at += block;
            }
        return floats is not null ? ConstTensor.OfFloats(dims, floats) : ConstTensor.OfInts(dims, ints!);
    }

    /// <summary>Numpy-style broadcast of <paramref name="t"/> to <paramref name="dims"/>, or null when the shapes do not broadcast.</summary>
    public ConstTensor? BroadcastTo(NodeView node, ConstTensor t, long[] dims)
    {
        if (t.Rank > dims.Length) return null;
        var strides = ConstTensor.Strides(t.Dims);
        var offsets = new long[dims.Length][];
        for (int j = 0; j < dims.Length; j++)
        {
            int source = j - (dims.Length - t.Rank);
            long size = source < 0 ? 1 : t.Dims[source];
            if (size != 1 && size != dims[j]) return null;
            if (dims[j] > int.MaxValue) return null;
            long stride = source < 0 || size == 1 ? 0 : strides[source];
            offsets[j] = Enumerable.Range(0, (int)Math.Max(dims[j], 0)).Select(c => c * stride).ToArray();
        }
        return Map(node, t, dims, offsets, dims);
    }

    public static long[]? BroadcastDims(long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new long[rank];
        for (int j = 0; j < rank; j++)
        {
            long x = j - (rank - a.Length) < 0 ? 1 : a[j - (rank - a.Length)];
            long y = j - (rank - b.Length) < 0 ? 1 : b[j - (rank - b.Length)];
            if (x != y && x != 1 && y != 1) return null;
            dims[j] = x == 1 ? y : x;
        }
        return dims;
    }

    public ConstTensor Binary(NodeView node, string op, ConstTensor a, ConstTensor b)
    {
        if (a.IsFloat != b.IsFloat) throw node.Fail($"{op} of a float and an integer constant.");
        var dims = BroadcastDims(a.Dims, b.Dims) ?? throw node.Fail($"{op} of constants with shapes {NodeView.Describe(a.Dims)} and {NodeView.Describe(b.Dims)} that do not broadcast.");
        if (ConstTensor.CountOf(dims) < 0) throw node.Fail($"{op} of constants would create too many values.");
        var x = BroadcastTo(node, a, dims)!;
        var y = BroadcastTo(node, b, dims)!;
        if (x.IsFloat)
        {
            var f = new float[x.Count];
            for (int i = 0; i < f.Length; i++)
                f[i] = op switch { "Add" => x.Floats![i] + y.Floats![i], "Sub" => x.Floats![i] - y.Floats![i], "Mul" => x.Floats![i] * y.Floats![i], _ => x.Floats![i] / y.Floats![i] };
            return ConstTensor.OfFloats(dims, f);
        }
        var n = new long[x.Count];
        for (int i = 0; i < n.Length; i++)
        {
            long p = x.Ints![i], q = y.Ints![i];
            n[i] = op switch
            {
                "Add" => unchecked(p + q),
                "Sub" => unchecked(p - q),
                "Mul" => unchecked(p * q),
                _ => q == 0 || (p == long.MinValue && q == -1) ? throw node.Fail("divides an integer constant by zero.") : p / q,
            };
        }
        return ConstTensor.OfInts(dims, n);
    }
}
