namespace RnnOnnx.Layers;

/// <summary>Shape of one sample as a layer sees it: a sequence of <see cref="Width"/>-vectors, one vector, or an image.</summary>
/// <param name="IsSequence">True for [time, width] samples; time may vary between batches.</param>
/// <param name="Width">Features per step (or per sample); for an image, height·width·channels.</param>
public readonly record struct LayerShape(bool IsSequence, int Width)
{
    /// <summary>The image layout of a vector sample (channels last, as Keras), or null for plain vectors and sequences.</summary>
    public ImageShape? Image { get; init; }

    /// <summary>One image sample of the given size.</summary>
    public static LayerShape ForImage(ImageShape image) => new(false, image.Length) { Image = image };

    /// <inheritdoc/>
    public override string ToString() => Image is { } image ? image.ToString() : IsSequence ? $"[time, {Width}]" : $"[{Width}]";
}
