namespace RnnOnnx.Layers;

/// <summary>
/// Size of one image sample, channels last ([height, width, channels], Keras's default layout): the pixel at (y, x)
/// holds its channels contiguously, which makes each convolution window a few contiguous runs of memory.
/// </summary>
/// <param name="Height">Rows of pixels.</param>
/// <param name="Width">Columns of pixels.</param>
/// <param name="Channels">Values per pixel (3 for RGB).</param>
public readonly record struct ImageShape(int Height, int Width, int Channels)
{
    /// <summary>Values in one image.</summary>
    public int Length => Height * Width * Channels;

    /// <inheritdoc/>
    public override string ToString() => $"[{Height}, {Width}, {Channels}]";
}
