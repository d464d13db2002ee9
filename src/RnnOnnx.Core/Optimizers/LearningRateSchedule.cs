namespace RnnOnnx.Optimizers;

/// <summary>Learning rate as a function of the optimizer step.</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The rate at <paramref name="iteration"/> (0-based) for a base rate.</summary>
    public abstract float RateAt(float baseRate, long iteration);

    internal abstract string Describe();
}
