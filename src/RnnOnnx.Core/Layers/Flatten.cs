using System.Text.Json;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Turns an image sample into a plain vector for the <see cref="Dense"/> layers after it. The values are already
/// one contiguous channels-last vector, so nothing moves: only the shape the next layer sees changes
/// (the ONNX export, whose Conv is channels-first, transposes back before its Flatten so the order matches).
/// </summary>
public sealed class Flatten : Layer
{
    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Flatten";

    internal override string TypeName => Type;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng)
    {
        Require(!input.IsSequence, $"Flatten '{Name}' takes images or vectors, not sequences ({input}).");
        return new LayerShape(false, input.Width);
    }

    internal override Signal Forward(Signal input, PassContext context) => input;

    internal override Signal? Backward(Signal outputGradient, PassContext context) => InputGradientNeeded ? outputGradient : null;

    internal override void WriteConfig(Utf8JsonWriter writer) { }

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static Flatten ReadConfig(ConfigReader config) => new();
}
