namespace RnnOnnx.Cli.Training;

/// <summary>Where a training run reports: a progress bar on a terminal (<see cref="TerminalProgress"/>), plain lines otherwise (<see cref="PlainProgress"/>).</summary>
internal interface ITrainingProgress
{
    /// <summary>A line worth keeping (data summary, end of an epoch): printed above the bar, or as a plain line.</summary>
    void Line(string text);

    /// <summary>A warning (one sentence, no prefix): written as <c>warning: …</c> to standard error.</summary>
    void Warning(string text);

    /// <summary>The state after a batch: the bar redraws, plain output ignores it (one line per batch would flood a log).</summary>
    /// <param name="status">Epoch, batch and loss, e.g. "epoch 3/10  batch 12/40  loss 1.2345".</param>
    /// <param name="pace">The run's pace, for the bar's fraction, speed and ETA.</param>
    /// <param name="unit">What <paramref name="pace"/> counts, e.g. "chars".</param>
    void Batch(string status, TrainingPace pace, string unit);
}
