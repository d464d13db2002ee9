namespace RnnOnnx.Losses;

/// <summary>ℓ = |p − y|; ∂ℓ/∂p = sign(p − y) (0 at a tie).</summary>
public sealed class MeanAbsoluteError : ElementwiseLoss
{
    internal override string TypeName => "MeanAbsoluteError";

    private protected override (double Value, float Derivative) Evaluate(float prediction, float target)
    {
        float e = prediction - target;
        return (Math.Abs((double)e), MathF.Sign(e));
    }
}
