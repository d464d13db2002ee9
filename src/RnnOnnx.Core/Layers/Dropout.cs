using System.Text.Json;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Inverted dropout (Srivastava et al., 2014): while training, each value is zeroed with probability
/// <see cref="Rate"/> and the survivors scaled by 1/(1−rate); at inference it is the identity (and export drops it).
/// </summary>
public sealed class Dropout : Layer
{
    private readonly Signal _output = new(), _mask = new(), _inputGradient = new();
    private bool _applied;

    /// <summary>Creates the layer.</summary>
    /// <param name="rate">Fraction of values dropped while training, in [0, 1).</param>
    public Dropout(float rate)
    {
        Require(rate >= 0f && rate < 1f, $"Dropout rate must be in [0, 1), got {rate}.");
        Rate = rate;
    }

    /// <summary>Fraction of values dropped while training.</summary>
    public float Rate { get; }

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Dropout";

    internal override string TypeName => Type;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng) => input;

    internal override Signal Forward(Signal input, PassContext context)
    {
        _applied = context.Training && Rate > 0f;
        if (!_applied) return input;
        var mask = _mask.ResizeLike(input).Span;
        var y = _output.ResizeLike(input).Span;
        var x = input.Span;
        float keep = 1f / (1f - Rate);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = context.Rng.NextSingle() >= Rate ? keep : 0f;
            y[i] = x[i] * mask[i];
        }
        return _output;
    }

    internal override Signal Backward(Signal outputGradient, PassContext context)
    {
        if (!_applied) return outputGradient;
        var dx = _inputGradient.ResizeLike(outputGradient);
        System.Numerics.Tensors.TensorPrimitives.Multiply(outputGradient.Span, _mask.Span, dx.Span);
        return dx;
    }

    internal override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("rate", Rate);

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static Dropout ReadConfig(ConfigReader config) => new(config.Float("rate"));
}
