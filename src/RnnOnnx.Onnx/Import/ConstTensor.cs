namespace RnnOnnx.Onnx.Import;

/// <summary>
/// A tensor whose values are known at import time (an initializer, a Constant node, or folded from them):
/// floating-point types held as float, integer and boolean types as long. Immutable once made.
/// </summary>
internal sealed class ConstTensor
{
    private ConstTensor(long[] dims, float[]? floats, long[]? ints)
    {
        Dims = dims;
        Floats = floats;
        Ints = ints;
    }

    public static ConstTensor OfFloats(long[] dims, float[] data) => new(dims, data, null);
    public static ConstTensor OfInts(long[] dims, long[] data) => new(dims, null, data);
    public static ConstTensor Scalar(long value) => OfInts([], [value]);

    public long[] Dims { get; }
    public float[]? Floats { get; }
    public long[]? Ints { get; }

    public bool IsFloat => Floats is not null;
    public int Rank => Dims.Length;
    public int Count => Floats?.Length ?? Ints!.Length;

    public bool IsAllZero => Floats is { } f ? f.All(v => v == 0f) : Ints!.All(v => v == 0);

    public double ValueAt(int i) => Floats is { } f ? f[i] : Ints![i];

    /// <summary>The same values with other dimensions (the caller checked that the count fits).</summary>
    public ConstTensor Reshaped(long[] dims) => new(dims, Floats, Ints);

    /// <summary>A new tensor whose element k is this tensor's element source[k].</summary>
    public ConstTensor Pick(long[] dims, int[] source)
    {
        if (Floats is { } f)
        {
            var data = new float[source.Length];
            for (int k = 0; k < source.Length; k++) data[k] = f[source[k]];
            return OfFloats(dims, data);
        }
        var ints = new long[source.Length];
        for (int k = 0; k < source.Length; k++) ints[k] = Ints![source[k]];
        return OfInts(dims, ints);
    }

    public ConstTensor ToFloats() => Floats is not null ? this : OfFloats(Dims, Ints!.Select(v => (float)v).ToArray());

    public ConstTensor ToInts() => Ints is not null ? this : OfInts(Dims, Floats!.Select(v => float.IsFinite(v) ? (long)Math.Clamp((double)v, long.MinValue, long.MaxValue) : 0L).ToArray());

    /// <summary>Row-major strides of <paramref name="dims"/> (elements, not bytes).</summary>
    public static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long s = 1;
        for (int i = dims.Length - 1; i >= 0; i--) { strides[i] = s; s *= dims[i]; }
        return strides;
    }

    /// <summary>Product of dims, or -1 when it exceeds <paramref name="limit"/> or a dim is negative.</summary>
    public static long CountOf(IEnumerable<long> dims, long limit = int.MaxValue)
    {
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) return -1;
            if (d == 0) { count = 0; continue; }
            if (count > limit / d) return -1;
            count *= d;
        }
        return count > limit ? -1 : count;
    }
}
