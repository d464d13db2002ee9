using System.Globalization;

namespace RnnOnnx.Optimizers;

/// <summary>
/// Cosine annealing (Loshchilov &amp; Hutter, 2017) with optional linear warm-up:
/// lr · (α + (1 − α) · ½(1 + cos(π · s / decaySteps))) after <paramref name="warmupSteps"/> steps of linear ramp.
/// </summary>
/// <param name="decaySteps">Steps from the end of warm-up to the floor.</param>
/// <param name="alpha">Floor as a fraction of the base rate.</param>
/// <param name="warmupSteps">Steps of linear warm-up from 0.</param>
public sealed class CosineDecay(long decaySteps, float alpha = 0f, long warmupSteps = 0) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float RateAt(float baseRate, long iteration)
    {
        if (iteration < warmupSteps) return baseRate * (iteration + 1) / warmupSteps;
        double s = Math.Min(iteration - warmupSteps, decaySteps);
        return (float)(baseRate * (alpha + (1 - alpha) * 0.5 * (1 + Math.Cos(Math.PI * s / decaySteps))));
    }

    internal override string Describe() => string.Create(CultureInfo.InvariantCulture, $"cos({decaySteps},{alpha:R},{warmupSteps})");
}
