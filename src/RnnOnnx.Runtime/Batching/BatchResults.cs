namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// The output values of each row of a batch, packed one after another (rows may be written in any order, as
/// state waves run). Reused from batch to batch.
/// </summary>
public sealed class BatchResults(int capacity)
{
    private float[] _values = [];
    private readonly int[] _offsets = new int[capacity];
    private readonly int[] _counts = new int[capacity];
    private int _used;

    /// <summary>Forgets every row's values (the buffer is kept).</summary>
    public void Clear() => _used = 0;

    /// <summary>Room for <paramref name="count"/> values of row <paramref name="row"/>.</summary>
    public Span<float> Allocate(int row, int count)
    {
        if (_used + count > _values.Length) Array.Resize(ref _values, Math.Max(_used + count, 2 * _values.Length));
        _offsets[row] = _used;
        _counts[row] = count;
        _used += count;
        return _values.AsSpan(_offsets[row], count);
    }

    /// <summary>The values written for row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => _values.AsSpan(_offsets[row], _counts[row]);

    /// <summary>Row <paramref name="row"/>'s values, to finish filling after <see cref="Allocate"/>.</summary>
    public Span<float> Writable(int row) => _values.AsSpan(_offsets[row], _counts[row]);
}
