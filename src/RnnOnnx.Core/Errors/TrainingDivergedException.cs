namespace RnnOnnx;

/// <summary>Training produced a NaN or infinite loss; the weights are left as they were before the failing step.</summary>
public sealed class TrainingDivergedException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public TrainingDivergedException(string message) : base(message) { }
}
