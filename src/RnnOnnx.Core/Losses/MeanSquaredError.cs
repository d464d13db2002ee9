namespace RnnOnnx.Losses;

/// <summary>ℓ = (p − y)²; ∂ℓ/∂p = 2(p − y).</summary>
public sealed class MeanSquaredError : ElementwiseLoss
{
    internal override string TypeName => "MeanSquaredError";

    private protected override (double Value, float Derivative) Evaluate(float prediction, float target)
    {
        float e = prediction - target;
        return ((double)e * e, 2f * e);
    }
}
