namespace RnnOnnx.Layers;

/// <summary>
/// What flows between layers inside the trainer: a batch of vectors, or of sequences laid out
/// time-major ([steps, batch, width]) so that the rows of one time step are contiguous for the
/// recurrent GEMM. The array is reused across batches; only its first <see cref="Length"/> values count.
/// </summary>
internal sealed class Signal
{
    public float[] Data = [];

    /// <summary>Time steps, or 0 for a batch of plain vectors.</summary>
    public int Steps;
    public int Batch;
    public int Width;

    public bool IsSequence => Steps > 0;
    public int Rows => IsSequence ? Steps * Batch : Batch;
    public int Length => Rows * Width;
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>Sets the logical shape, growing the array only when it is too small (no allocation in steady state).</summary>
    public Signal Resize(int steps, int batch, int width)
    {
        Steps = steps; Batch = batch; Width = width;
        int length = (steps > 0 ? steps * batch : batch) * width;
        if (Data.Length < length) Data = new float[length];
        return this;
    }

    public Signal ResizeLike(Signal other) => Resize(other.Steps, other.Batch, other.Width);

    /// <summary>Row <paramref name="b"/> of step <paramref name="t"/> (t ignored for plain vectors).</summary>
    public Span<float> Row(int t, int b) => Data.AsSpan(((IsSequence ? t * Batch : 0) + b) * Width, Width);
}
