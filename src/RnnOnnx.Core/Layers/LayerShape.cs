namespace RnnOnnx.Layers;

/// <summary>Shape of one sample as a layer sees it: a sequence of <see cref="Width"/>-vectors, or one vector.</summary>
/// <param name="IsSequence">True for [time, width] samples; time may vary between batches.</param>
/// <param name="Width">Features per step (or per sample).</param>
public readonly record struct LayerShape(bool IsSequence, int Width)
{
    /// <inheritdoc/>
    public override string ToString() => IsSequence ? $"[time, {Width}]" : $"[{Width}]";
}
