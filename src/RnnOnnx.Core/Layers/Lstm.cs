using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
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
/// </summary>
public sealed class Lstm : RecurrentLayer
{
    private float[] _tanhC = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="units">Hidden state width.</param>
    /// <param name="returnSequences">Output every step (true) or only the last real one (false).</param>
    public Lstm(int units, bool returnSequences = false) : base(units, returnSequences) { }

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Lstm";

    internal override string TypeName => Type;
    internal override int GateCount => 4;

    /// <inheritdoc/>
    public override int StateCount => 2;

    internal override RecurrentLayer CloneUnbuilt() => new Lstm(Units, ReturnSequences);

    private protected override void InitializeBias(Span<float> bias) => bias.Slice(Units, Units).Fill(1f);

    private protected override void AllocateCellBuffers() => Grow(ref _tanhC, T * B * H);

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
            TensorPrimitives.Sigmoid(ifo, ifo);
            var gg = gates.Slice(2 * H, H);
            TensorPrimitives.Tanh(gg, gg);
            var o = gates.Slice(3 * H, H);
            TensorPrimitives.Sigmoid(o, o);
            var i = gates[..H];
            var f = gates.Slice(H, H);
            var cPrev = StatePrev[1].AsSpan(r * H, H);
            var c = StateOut[1].AsSpan(r * H, H);
            var tanhC = _tanhC.AsSpan(r * H, H);
            TensorPrimitives.Multiply(f, cPrev, c);            // c' = f ⊙ c
            TensorPrimitives.FusedMultiplyAdd(i, gg, c, c);    //    + i ⊙ g
            TensorPrimitives.Tanh(c, tanhC);
            TensorPrimitives.Multiply(o, tanhC, StateOut[0].AsSpan(r * H, H)); // h' = o ⊙ tanh(c')
        }
    }

    private protected override void StepBackward(int t, int b0, int b1)
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
            var tanhC = _tanhC.AsSpan(r * H, H);
            ReadOnlySpan<float> gi = gates[..H], gf = gates.Slice(H, H), gg = gates.Slice(2 * H, H), go = gates.Slice(3 * H, H);
            Span<float> di = d[..H], df = d.Slice(H, H), dg = d.Slice(2 * H, H), dO = d.Slice(3 * H, H);
            var one = Vector512<float>.One;
            for (int j = 0; j < H; j += Lanes.Width)
            {
                var i = Lanes.Load(gi, j);
                var f = Lanes.Load(gf, j);
                var g = Lanes.Load(gg, j);
                var o = Lanes.Load(go, j);
                var tc = Lanes.Load(tanhC, j);
                var dhj = Lanes.Load(dh, j);
                var dcj = Lanes.Load(dc, j) + dhj * o * (one - tc * tc);     // ∂c' total = carried + through h' = o ⊙ tanh(c')
                Lanes.Store(dcj * g * i * (one - i), di, j);                     // ∂i_pre
                Lanes.Store(dcj * Lanes.Load(cPrev, j) * f * (one - f), df, j);  // ∂f_pre
                Lanes.Store(dcj * i * (one - g * g), dg, j);                     // ∂g_pre
                Lanes.Store(dhj * tc * o * (one - o), dO, j);                    // ∂o_pre
                Lanes.Store(dcj * f, dc, j);                                     // ∂c = ∂c' ⊙ f
            }
            dh.Clear();                                                          // ∂h gets only ∂pre·Rᵀ (added by the caller)
        }
    }

    /// <summary>The layer its <c>WriteConfig</c> options describe.</summary>
    internal static Lstm ReadConfig(ConfigReader config) => new(config.Int("units"), config.Bool("returnSequences"));
}
