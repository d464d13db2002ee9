using System.Text.Json;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// y = x·scale + offset (Keras's <c>Rescaling</c>), e.g. <c>new Rescaling(1 / 255f)</c> in front of a Conv2D so that the
/// model, and the ONNX file exported from it, take raw 0..255 pixel values.
/// </summary>
public sealed class Rescaling : Layer
{
    private readonly Signal _output = new(), _inputGradient = new();

    /// <summary>Creates the layer.</summary>
    /// <param name="scale">Multiplier (finite, non-zero).</param>
    /// <param name="offset">Added after scaling (finite).</param>
    public Rescaling(float scale, float offset = 0f)
    {
        Require(float.IsFinite(scale) && scale != 0f, $"Rescaling scale must be finite and non-zero, got {scale}.");
        Require(float.IsFinite(offset), $"Rescaling offset must be finite, got {offset}.");
        Scale = scale;
        Offset = offset;
    }

    /// <summary>Multiplier.</summary>
    public float Scale { get; }

    /// <summary>Added after scaling.</summary>
    public float Offset { get; }

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Rescaling";

    internal override string TypeName => Type;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng) => input;

    internal override Signal Forward(Signal input, PassContext context)
    {
        var y = _output.ResizeLike(input);
        System.Numerics.Tensors.TensorPrimitives.Multiply(input.Span, Scale, y.Span);
        System.Numerics.Tensors.TensorPrimitives.Add(y.Span, Offset, y.Span);
        return y;
    }

    internal override Signal? Backward(Signal outputGradient, PassContext context)
    {
        if (!InputGradientNeeded) return null;
        var dx = _inputGradient.ResizeLike(outputGradient);
        System.Numerics.Tensors.TensorPrimitives.Multiply(outputGradient.Span, Scale, dx.Span);
        return dx;
    }

    internal override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("scale", Scale);
        writer.WriteNumber("offset", Offset);
    }

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static Rescaling ReadConfig(ConfigReader config) => new(config.Float("scale"), config.Float("offset"));
}
