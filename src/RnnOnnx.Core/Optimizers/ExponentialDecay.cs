using System.Globalization;

namespace RnnOnnx.Optimizers;

/// <summary>lr · rate^(step / decaySteps), as Keras's ExponentialDecay (continuous, not staircase).</summary>
/// <param name="decayRate">Factor per <paramref name="decaySteps"/> steps, in (0, 1].</param>
/// <param name="decaySteps">Steps over which the rate is multiplied by <paramref name="decayRate"/>.</param>
public sealed class ExponentialDecay(float decayRate, long decaySteps) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float RateAt(float baseRate, long iteration) => baseRate * MathF.Pow(decayRate, (float)iteration / decaySteps);

    internal override string Describe() => string.Create(CultureInfo.InvariantCulture, $"exp({decayRate:R},{decaySteps})");
}
