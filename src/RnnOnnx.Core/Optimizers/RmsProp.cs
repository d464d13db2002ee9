namespace RnnOnnx.Optimizers;

/// <summary>
/// RMSprop (Tieleman &amp; Hinton, 2012): s ← ρs + (1−ρ)g²; with momentum μ, b ← μb + g/(√s + ε), θ ← θ − lr·b
/// (μ = 0: θ ← θ − lr·g/(√s + ε)). Defaults are Keras's.
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public RmsProp(float learningRate = 0.001f, float rho = 0.9f, float momentum = 0f, float epsilon = 1e-7f) : base(learningRate)
    {
        if (rho <= 0f || rho >= 1f) throw new ModelConfigurationException($"RmsProp rho must be in (0, 1), got {rho}.");
        (Rho, Momentum, Epsilon) = (rho, momentum, epsilon);
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public float Rho { get; }
    /// <summary>μ.</summary>
    public float Momentum { get; }
    /// <summary>Added to √s for stability.</summary>
    public float Epsilon { get; }

    internal override string TypeName => "RmsProp";
    private protected override int SlotCount => 2;

    private protected override void Update(float[] weights, float[] gradient, float[][] slots, int start, int end, float learningRate, long step)
    {
        float[] s = slots[0], b = slots[1];
        for (int i = start; i < end; i++)
        {
            float g = gradient[i];
            s[i] = Rho * s[i] + (1f - Rho) * g * g;
            float scaled = g / (MathF.Sqrt(s[i]) + Epsilon);
            b[i] = Momentum * b[i] + scaled;
            weights[i] -= learningRate * b[i];
        }
    }

    internal override string Describe() => base.Describe() + FormattableString.Invariant($"[{Rho:R},{Momentum:R},{Epsilon:R}]");
}
