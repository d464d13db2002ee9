namespace RnnOnnx.Losses;

/// <summary>
/// Huber loss (Huber, 1964): ℓ = ½e² for |e| ≤ δ, δ(|e| − ½δ) beyond, e = p − y;
/// ∂ℓ/∂p = e inside, δ·sign(e) outside. Quadratic near the target, linear for outliers.
/// </summary>
public sealed class Huber : ElementwiseLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="delta">Where the loss turns from quadratic to linear (&gt; 0).</param>
    public Huber(float delta = 1f)
    {
        if (!(delta > 0f)) throw new ModelConfigurationException($"Huber delta must be positive, got {delta}.");
        Delta = delta;
    }

    /// <summary>The quadratic-to-linear threshold δ.</summary>
    public float Delta { get; }

    internal override string TypeName => "Huber";

    private protected override (double Value, float Derivative) Evaluate(float prediction, float target)
    {
        float e = prediction - target;
        float a = MathF.Abs(e);
        return a <= Delta ? (0.5 * e * e, e) : (Delta * (a - 0.5 * Delta), Delta * MathF.Sign(e));
    }
}
