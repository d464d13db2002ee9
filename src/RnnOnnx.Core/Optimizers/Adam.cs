using System.Runtime.Intrinsics;
using RnnOnnx.Kernels;

namespace RnnOnnx.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with bias-corrected
/// m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). Defaults are Keras's.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f) : base(learningRate)
    {
        (Beta1, Beta2, Epsilon) = (beta1, beta2, epsilon);
    }

    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; }
    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; }
    /// <summary>Added to √v̂ for stability.</summary>
    public float Epsilon { get; }

    /// <summary>Decoupled weight decay λ (AdamW): θ ← θ − lr·λ·θ before the Adam step. 0 for plain Adam.</summary>
    private protected float DecoupledWeightDecay { get; init; }

    internal override string TypeName => "Adam";
    private protected override int SlotCount => 2;

    private protected override void Update(float[] weights, float[] gradient, float[][] slots, int start, int end, float learningRate, long step)
    {
        float[] m = slots[0], v = slots[1];
        float b1 = Beta1, b2 = Beta2;
        float correction1 = 1f / (1f - MathF.Pow(b1, step));
        float correction2 = 1f / (1f - MathF.Pow(b2, step));
        float decay = 1f - learningRate * DecoupledWeightDecay;
        for (int i = start; i < end; i += Lanes.Width)
        {
            var g = Lanes.Load(gradient, i);
            var mi = Vector512.Create(b1) * Lanes.Load(m, i) + Vector512.Create(1f - b1) * g;
            var vi = Vector512.Create(b2) * Lanes.Load(v, i) + Vector512.Create(1f - b2) * g * g;
            var delta = Vector512.Create(learningRate) * (mi * Vector512.Create(correction1))
                       / (Vector512.Sqrt(vi * Vector512.Create(correction2)) + Vector512.Create(Epsilon));
            Lanes.Store(mi, m, i);
            Lanes.Store(vi, v, i);
            Lanes.Store(Lanes.Load(weights, i) * Vector512.Create(decay) - delta, weights, i);
        }
    }

    internal override string Describe() => base.Describe() + FormattableString.Invariant($"[{Beta1:R},{Beta2:R},{Epsilon:R},{DecoupledWeightDecay:R}]");
}
