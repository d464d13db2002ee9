namespace RnnOnnx.Training;

/// <summary>
/// Stops training once the monitored loss (validation loss when there is validation data, else training loss)
/// has not improved by more than <see cref="MinDelta"/> for <see cref="Patience"/> epochs.
/// </summary>
public sealed class EarlyStopping
{
    /// <summary>Creates the policy.</summary>
    public EarlyStopping(int patience = 5, double minDelta = 0, bool restoreBestWeights = true)
    {
        if (patience < 0) throw new ModelConfigurationException($"EarlyStopping patience must be ≥ 0, got {patience}.");
        (Patience, MinDelta, RestoreBestWeights) = (patience, minDelta, restoreBestWeights);
    }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Smallest decrease that counts as improvement.</summary>
    public double MinDelta { get; }

    /// <summary>At the end, put back the weights of the best epoch.</summary>
    public bool RestoreBestWeights { get; }
}
