namespace RnnOnnx.Training;

/// <summary>Per-epoch losses of a <c>Fit</c>, like Keras's History.</summary>
public sealed class History
{
    internal List<double> LossList { get; } = [];
    internal List<double> ValidationLossList { get; } = [];

    /// <summary>Mean training loss of each epoch.</summary>
    public IReadOnlyList<double> Loss => LossList;

    /// <summary>Validation loss after each epoch (empty without validation data).</summary>
    public IReadOnlyList<double> ValidationLoss => ValidationLossList;

    /// <summary>1-based epoch whose weights the model holds when early stopping restored the best ones, else the last epoch.</summary>
    public int BestEpoch { get; internal set; }

    /// <summary>True if early stopping ended training before the planned epochs.</summary>
    public bool StoppedEarly { get; internal set; }
}
