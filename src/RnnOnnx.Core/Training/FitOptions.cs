namespace RnnOnnx.Training;

/// <summary>How <see cref="Sequential.Fit(SequenceDataset, FitOptions?, SequenceDataset?)"/> trains.</summary>
public sealed class FitOptions
{
    /// <summary>Passes over the training data (default 10).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per gradient step (default 32; the last batch may be smaller).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Fraction of samples, taken from the end as Keras does, held out for validation (0 = none).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>Reshuffle the training samples every epoch (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seeds weight initialisation, shuffling and dropout: the same seed and data give bit-identical weights.</summary>
    public ulong Seed { get; init; }

    /// <summary>Stop when the monitored loss stops improving.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>If set, a checkpoint is written here (atomically) after every epoch and when training is cancelled.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>If set, training continues from this checkpoint and ends as an uninterrupted run would have.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Called after every batch.</summary>
    public Action<BatchProgress>? OnBatchEnd { get; init; }

    /// <summary>Called after every epoch.</summary>
    public Action<EpochProgress>? OnEpochEnd { get; init; }

    /// <summary>Cancels between batches; a checkpoint is written first when <see cref="CheckpointPath"/> is set.</summary>
    public CancellationToken CancellationToken { get; init; }
}
