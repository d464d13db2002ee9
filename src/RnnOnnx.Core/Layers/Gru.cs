using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Text.Json;
using RnnOnnx.Kernels;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Gated recurrent unit (Cho et al., 2014) in the reset-after form that PyTorch, Keras (reset_after=True) and ONNX
/// (linear_before_reset=1) share, gate blocks z, r, n:
/// <code>
/// z = σ(x·Wz + bz + h·Rz + rbz)    r = σ(x·Wr + br + h·Rr + rbr)
/// n = tanh(x·Wn + bn + r ⊙ (h·Rn + rbn))      h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// Two biases (input side b, recurrent side rb), because r multiplies the recurrent candidate term with its bias.
/// As in Keras, <see cref="Activation"/> replaces the tanh of n, <see cref="RecurrentActivation"/> the σ of z and r.
/// </summary>
public sealed class Gru : RecurrentLayer
{
    private Parameter? _recurrentBias;
    private float[] _hr = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="units">Hidden state width.</param>
    /// <param name="returnSequences">Output every step (true) or only the last real one (false).</param>
    /// <param name="activation">Keras's <c>activation</c>: of the candidate n (Tanh, Sigmoid, Relu, HardSigmoid or Linear).</param>
    /// <param name="recurrentActivation">Keras's <c>recurrent_activation</c>: of the gates z and r (same choices).</param>
    public Gru(int units, bool returnSequences = false, Activation activation = Activation.Tanh, Activation recurrentActivation = Activation.Sigmoid)
        : base(units, returnSequences)
    {
        Activation = GateActivation(activation, "activation");
        RecurrentActivation = GateActivation(recurrentActivation, "recurrentActivation");
    }

    /// <summary>Function of the candidate n (default tanh).</summary>
    public Activation Activation { get; }

    /// <summary>Function of the gates z and r (default sigmoid).</summary>
    public Activation RecurrentActivation { get; }

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Gru";

    internal override string TypeName => Type;
    internal override int GateCount => 3;

    /// <summary>rb, [3·units]: the recurrent-side bias.</summary>
    public Parameter RecurrentBias => _recurrentBias ?? throw NotBuilt();

    private protected override IEnumerable<Parameter> ExtraParameters => [RecurrentBias];

    internal override RecurrentLayer CloneUnbuilt() => new Gru(Units, ReturnSequences, Activation, RecurrentActivation);

    private protected override void OnBuildCell(Rng rng) => _recurrentBias = new Parameter("recurrent_bias", 3 * Units);

    private protected override bool SharesGateGradients => false;

    /// <summary>Holds h·R + rb per step, [T, B, 3H]: its n block is needed again in backward.</summary>
    private protected override void AllocateCellBuffers() => Grow(ref _hr, T * B * GH);

    private protected override unsafe void StepForward(int t, int b0, int b1)
    {
        int row0 = t * B + b0;
        fixed (float* h = StatePrev[0])
        fixed (float* hr = _hr)
            Gemm.Multiply(h + (long)row0 * H, H, false, PackedR, hr + (long)row0 * GH, GH, b1 - b0, accumulate: false);
        var rb = RecurrentBias.Value;
        for (int b = b0; b < b1; b++)
        {
            int r = t * B + b;
            var gates = Gates.AsSpan(r * GH, GH);
            var hrRow = _hr.AsSpan(r * GH, GH);
            TensorPrimitives.Add(hrRow, rb, hrRow);
            var zr = gates[..(2 * H)];
            TensorPrimitives.Add(zr, hrRow[..(2 * H)], zr);
            ActivationMath.Apply(RecurrentActivation, zr, zr);
            var n = gates.Slice(2 * H, H);
            TensorPrimitives.FusedMultiplyAdd(gates.Slice(H, H), hrRow.Slice(2 * H, H), n, n); // n_pre = xWn + bn + r ⊙ (hRn + rbn)
            ActivationMath.Apply(Activation, n, n);
            var z = gates[..H];
            var hPrev = StatePrev[0].AsSpan(r * H, H);
            var hOut = StateOut[0].AsSpan(r * H, H);
            for (int j = 0; j < H; j += Lanes.Width)
            {
                var nj = Lanes.Load(n, j);
                Lanes.Store(nj + Lanes.Load(z, j) * (Lanes.Load(hPrev, j) - nj), hOut, j); // (1 − z) ⊙ n + z ⊙ h
            }
        }
    }

    private protected override void StepBackward(int t, int b0, int b1) =>
        GateActivations.Dispatch(Activation, RecurrentActivation, new BackwardStep(this, t, b0, b1));

    private readonly struct BackwardStep(Gru cell, int t, int b0, int b1) : IGateVisitor
    {
        public void Visit<TAct, TRec>() where TAct : struct, IGateActivation where TRec : struct, IGateActivation =>
            cell.StepBackward<TAct, TRec>(t, b0, b1);
    }

    private void StepBackward<TAct, TRec>(int t, int b0, int b1) where TAct : struct, IGateActivation where TRec : struct, IGateActivation
    {
        for (int b = b0; b < b1; b++)
        {
            if (!PrepareRow(t, b)) continue;
            int r = t * B + b;
            var gates = Gates.AsSpan(r * GH, GH);
            var hrN = _hr.AsSpan(r * GH + 2 * H, H);
            var dx = GradGatesX.AsSpan(r * GH, GH);
            var dhr = GradGatesH.AsSpan(r * GH, GH);
            var dh = StateGrad[0].AsSpan(b * H, H);
            var hPrev = StatePrev[0].AsSpan(r * H, H);
            ReadOnlySpan<float> gz = gates[..H], gr = gates.Slice(H, H), gn = gates.Slice(2 * H, H);
            var one = Vector512<float>.One;
            for (int j = 0; j < H; j += Lanes.Width)
            {
                var z = Lanes.Load(gz, j);
                var rr = Lanes.Load(gr, j);
                var n = Lanes.Load(gn, j);
                var dhj = Lanes.Load(dh, j);
                var dnPre = TAct.Backward(dhj * (one - z), n);                    // through h' = (1−z)n + …, n = act(·)
                var dzPre = TRec.Backward(dhj * (Lanes.Load(hPrev, j) - n), z);
                var drPre = TRec.Backward(dnPre * Lanes.Load(hrN, j), rr);
                Lanes.Store(dzPre, dx[..H], j);
                Lanes.Store(dzPre, dhr[..H], j);
                Lanes.Store(drPre, dx.Slice(H, H), j);
                Lanes.Store(drPre, dhr.Slice(H, H), j);
                Lanes.Store(dnPre, dx.Slice(2 * H, H), j);
                Lanes.Store(dnPre * rr, dhr.Slice(2 * H, H), j);                  // the recurrent candidate is gated by r
                Lanes.Store(dhj * z, dh, j);                                      // direct path h' ∋ z ⊙ h
            }
        }
    }

    private protected override void AccumulateExtraGradients() =>
        RowOps.SumRowsInto(GradGatesH, T * B, RecurrentBias.Gradient, GH);

    private protected override void WriteCellConfig(Utf8JsonWriter writer) => WriteGateActivations(writer, Activation, RecurrentActivation);

    /// <summary>The layer its <c>WriteConfig</c> options describe (files from before the activation options read as tanh/sigmoid).</summary>
    internal static Gru ReadConfig(ConfigReader config) =>
        new(config.Int("units"), config.Bool("returnSequences"),
            config.Enum("activation", Activation.Tanh), config.Enum("recurrentActivation", Activation.Sigmoid));
}
