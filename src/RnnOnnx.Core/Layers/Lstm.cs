using System.Numerics.Tensors;
using System.Text.Json;
using RnnOnnx.Kernels;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Long short-term memory (Hochreiter &amp; Schmidhuber, 1997), in the form Keras and PyTorch use, gate blocks i, f, g, o:
/// <code>
/// i = σ(x·Wi + h·Ri + bi)    f = σ(x·Wf + h·Rf + bf)    g = tanh(x·Wg + h·Rg + bg)    o = σ(x·Wo + h·Ro + bo)
/// c' = f ⊙ c + i ⊙ g         h' = o ⊙ tanh(c')
/// </code>
/// States: h (index 0) and c (index 1). The forget-gate bias starts at 1 (Jozefowicz et al., 2015; Keras's unit_forget_bias).
/// As in Keras, <see cref="Activation"/> replaces the tanh of g and of c′, <see cref="RecurrentActivation"/> the σ of i, f and o.
/// </summary>
public sealed class Lstm : RecurrentLayer
{
    /// <summary>activation(c′) per step, [T, B, H]: h′ = o ⊙ it, and backward differentiates through it.</summary>
    private float[] _activatedC = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="units">Hidden state width.</param>
    /// <param name="returnSequences">Output every step (true) or only the last real one (false).</param>
    /// <param name="activation">Keras's <c>activation</c>: of the candidate g and of the cell state in h′ (Tanh, Sigmoid, Relu, HardSigmoid or Linear).</param>
    /// <param name="recurrentActivation">Keras's <c>recurrent_activation</c>: of the gates i, f, o (same choices).</param>
    public Lstm(int units, bool returnSequences = false, Activation activation = Activation.Tanh, Activation recurrentActivation = Activation.Sigmoid)
        : base(units, returnSequences)
    {
        Activation = GateActivation(activation, "activation");
        RecurrentActivation = GateActivation(recurrentActivation, "recurrentActivation");
    }

    /// <summary>Function of the candidate g and of c′ in h′ = o ⊙ f(c′) (default tanh).</summary>
    public Activation Activation { get; }

    /// <summary>Function of the gates i, f and o (default sigmoid).</summary>
    public Activation RecurrentActivation { get; }

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Lstm";

    internal override string TypeName => Type;
    internal override int GateCount => 4;

    /// <inheritdoc/>
    public override int StateCount => 2;

    internal override RecurrentLayer CloneUnbuilt() => new Lstm(Units, ReturnSequences, Activation, RecurrentActivation);

    private protected override void InitializeBias(Span<float> bias) => bias.Slice(Units, Units).Fill(1f);

    private protected override void AllocateCellBuffers() => Grow(ref _activatedC, T * B * H);

    private protected override unsafe void StepForward(int t, int b0, int b1)
    {
        int row0 = t * B + b0;
        fixed (float* h = StatePrev[0])
        fixed (float* g = Gates)
            Gemm.Multiply(h + (long)row0 * H, H, false, PackedR, g + (long)row0 * GH, GH, b1 - b0, accumulate: true);
        for (int b = b0; b < b1; b++)
        {
            int r = t * B + b;
            var gates = Gates.AsSpan(r * GH, GH);
            var ifo = gates[..(2 * H)];
            ActivationMath.Apply(RecurrentActivation, ifo, ifo);
            var gg = gates.Slice(2 * H, H);
            ActivationMath.Apply(Activation, gg, gg);
            var o = gates.Slice(3 * H, H);
            ActivationMath.Apply(RecurrentActivation, o, o);
            var i = gates[..H];
            var f = gates.Slice(H, H);
            var cPrev = StatePrev[1].AsSpan(r * H, H);
            var c = StateOut[1].AsSpan(r * H, H);
            var actC = _activatedC.AsSpan(r * H, H);
            TensorPrimitives.Multiply(f, cPrev, c);            // c' = f ⊙ c
            TensorPrimitives.FusedMultiplyAdd(i, gg, c, c);    //    + i ⊙ g
            ActivationMath.Apply(Activation, c, actC);
            TensorPrimitives.Multiply(o, actC, StateOut[0].AsSpan(r * H, H)); // h' = o ⊙ act(c')
        }
    }

    private protected override void StepBackward(int t, int b0, int b1) =>
        GateActivations.Dispatch(Activation, RecurrentActivation, new BackwardStep(this, t, b0, b1));

    private readonly struct BackwardStep(Lstm cell, int t, int b0, int b1) : IGateVisitor
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
            var d = GradGatesX.AsSpan(r * GH, GH);
            var dh = StateGrad[0].AsSpan(b * H, H);
            var dc = StateGrad[1].AsSpan(b * H, H);
            var cPrev = StatePrev[1].AsSpan(r * H, H);
            var actC = _activatedC.AsSpan(r * H, H);
            ReadOnlySpan<float> gi = gates[..H], gf = gates.Slice(H, H), gg = gates.Slice(2 * H, H), go = gates.Slice(3 * H, H);
            Span<float> di = d[..H], df = d.Slice(H, H), dg = d.Slice(2 * H, H), dO = d.Slice(3 * H, H);
            for (int j = 0; j < H; j += Lanes.Width)
            {
                var i = Lanes.Load(gi, j);
                var f = Lanes.Load(gf, j);
                var g = Lanes.Load(gg, j);
                var o = Lanes.Load(go, j);
                var ac = Lanes.Load(actC, j);
                var dhj = Lanes.Load(dh, j);
                var dcj = Lanes.Load(dc, j) + TAct.Backward(dhj * o, ac);        // ∂c' total = carried + through h' = o ⊙ act(c')
                Lanes.Store(TRec.Backward(dcj * g, i), di, j);                   // ∂i_pre
                Lanes.Store(TRec.Backward(dcj * Lanes.Load(cPrev, j), f), df, j); // ∂f_pre
                Lanes.Store(TAct.Backward(dcj * i, g), dg, j);                   // ∂g_pre
                Lanes.Store(TRec.Backward(dhj * ac, o), dO, j);                  // ∂o_pre
                Lanes.Store(dcj * f, dc, j);                                     // ∂c = ∂c' ⊙ f
            }
            dh.Clear();                                                          // ∂h gets only ∂pre·Rᵀ (added by the caller)
        }
    }

    private protected override void WriteCellConfig(Utf8JsonWriter writer) => WriteGateActivations(writer, Activation, RecurrentActivation);

    /// <summary>The layer its <c>WriteConfig</c> options describe (files from before the activation options read as tanh/sigmoid).</summary>
    internal static Lstm ReadConfig(ConfigReader config) =>
        new(config.Int("units"), config.Bool("returnSequences"),
            config.Enum("activation", Activation.Tanh), config.Enum("recurrentActivation", Activation.Sigmoid));
}
