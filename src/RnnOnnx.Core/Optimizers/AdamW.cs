namespace RnnOnnx.Optimizers;

/// <summary>Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019): θ ← θ(1 − lr·λ) before each Adam step.</summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer; <paramref name="weightDecay"/> is λ (PyTorch's default 0.01).</summary>
    public AdamW(float learningRate = 0.001f, float weightDecay = 0.01f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
        : base(learningRate, beta1, beta2, epsilon)
    {
        if (weightDecay < 0f) throw new ModelConfigurationException($"AdamW weight decay must be ≥ 0, got {weightDecay}.");
        DecoupledWeightDecay = weightDecay;
    }

    /// <summary>λ.</summary>
    public float WeightDecay => DecoupledWeightDecay;

    internal override string TypeName => "AdamW";
}
