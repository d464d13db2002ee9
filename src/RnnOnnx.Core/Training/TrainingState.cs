namespace RnnOnnx.Training;

/// <summary>Everything besides weights and optimizer slots that a resumed run needs to continue exactly.</summary>
internal sealed class TrainingState
{
    /// <summary>0-based epoch in progress (equal to the epochs completed when <see cref="Batch"/> is 0).</summary>
    public int Epoch { get; set; }
    /// <summary>Batches of <see cref="Epoch"/> already done.</summary>
    public int Batch { get; set; }
    /// <summary>Sample order of the epoch in progress.</summary>
    public int[] Order { get; set; } = [];
    /// <summary>The epoch <see cref="Order"/> was drawn for (−1: none yet): a run cancelled after the shuffle but
    /// before its first batch must not shuffle again when resumed.</summary>
    public int OrderEpoch { get; set; } = -1;
    public ulong[] Rng { get; set; } = [];
    public long Iterations { get; set; }
    public double EpochLossSum { get; set; }
    public long EpochSamples { get; set; }
    public List<double> Loss { get; set; } = [];
    public List<double> ValidationLoss { get; set; } = [];
    public double Best { get; set; } = double.PositiveInfinity;
    public int Wait { get; set; }
    public int BestEpoch { get; set; }
    public bool Stopped { get; set; }
    public bool HasBestWeights { get; set; }
    /// <summary>Identifies model, optimizer, loss and data: a checkpoint only resumes the run that wrote it.</summary>
    public string Fingerprint { get; set; } = "";
}
