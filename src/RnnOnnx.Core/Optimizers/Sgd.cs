namespace RnnOnnx.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum μ, in PyTorch's form: b ← μb + g; θ ← θ − lr·b,
/// or with Nesterov momentum θ ← θ − lr·(g + μb).
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Sgd(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false) : base(learningRate)
    {
        if (momentum < 0f || momentum >= 1f) throw new ModelConfigurationException($"Sgd momentum must be in [0, 1), got {momentum}.");
        if (nesterov && momentum == 0f) throw new ModelConfigurationException("Sgd with nesterov: true needs a momentum above 0.");
        (Momentum, Nesterov) = (momentum, nesterov);
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }
    /// <summary>Whether the step looks ahead along the momentum.</summary>
    public bool Nesterov { get; }

    internal override string TypeName => "Sgd";
    private protected override int SlotCount => 1;

    private protected override void Update(float[] weights, float[] gradient, float[][] slots, int start, int end, float learningRate, long step)
    {
        float[] b = slots[0];
        float mu = Momentum;
        for (int i = start; i < end; i++)
        {
            float g = gradient[i];
            b[i] = mu * b[i] + g;
            weights[i] -= learningRate * (Nesterov ? g + mu * b[i] : b[i]);
        }
    }

    internal override string Describe() => base.Describe() + FormattableString.Invariant($"[{Momentum:R},{Nesterov}]");
}
