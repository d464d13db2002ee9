using System.Text.Json;
using RnnOnnx.Kernels;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Elman recurrent layer: h' = f(x·W + h·R + b), f = tanh (default) or relu.
/// </summary>
public sealed class SimpleRnn : RecurrentLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="units">Hidden state width.</param>
    /// <param name="returnSequences">Output every step (true) or only the last real one (false).</param>
    /// <param name="activation"><see cref="Activation.Tanh"/> or <see cref="Activation.Relu"/>.</param>
    public SimpleRnn(int units, bool returnSequences = false, Activation activation = Activation.Tanh) : base(units, returnSequences)
    {
        Require(activation is Activation.Tanh or Activation.Relu, $"SimpleRnn activation must be Tanh or Relu, got {activation}.");
        Activation = activation;
    }

    /// <summary>The state nonlinearity.</summary>
    public Activation Activation { get; }

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "SimpleRnn";

    internal override string TypeName => Type;
    internal override int GateCount => 1;

    internal override RecurrentLayer CloneUnbuilt() => new SimpleRnn(Units, ReturnSequences, Activation);

    private protected override unsafe void StepForward(int t, int b0, int b1)
    {
        int row0 = t * B + b0, rows = b1 - b0;
        fixed (float* h = StatePrev[0])
        fixed (float* g = Gates)
            Gemm.Multiply(h + (long)row0 * H, H, false, PackedR, g + (long)row0 * GH, GH, rows, accumulate: true);
        var pre = Gates.AsSpan(row0 * H, rows * H);
        ActivationMath.Apply(Activation, pre, H);
        pre.CopyTo(StateOut[0].AsSpan(row0 * H, rows * H));
    }

    private protected override void StepBackward(int t, int b0, int b1)
    {
        for (int b = b0; b < b1; b++)
        {
            if (!PrepareRow(t, b)) continue;
            int r = t * B + b;
            var d = GradGatesX.AsSpan(r * H, H);
            var dh = StateGrad[0].AsSpan(b * H, H);
            dh.CopyTo(d);
            ActivationMath.Backward(Activation, Gates.AsSpan(r * H, H), d, H); // ∂pre = ∂h' ⊙ f'(pre)
            dh.Clear();
        }
    }

    private protected override void WriteCellConfig(Utf8JsonWriter writer) => writer.WriteString("activation", Activation.ToString());

    /// <summary>The layer its <c>WriteConfig</c> options describe.</summary>
    internal static SimpleRnn ReadConfig(ConfigReader config) => new(config.Int("units"), config.Bool("returnSequences"), config.Enum<Activation>("activation"));
}
