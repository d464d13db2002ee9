using System.Diagnostics;

namespace RnnOnnx.Training;

/// <summary>
/// Turns the native trainer's callbacks (<see cref="FitOptions.OnBatchEnd"/>, <see cref="FitOptions.OnEpochEnd"/>) into
/// <see cref="TrainingProgress"/> reports, so that every product fills them the same way. The clock starts when the
/// reporter is made (at the start of <c>Train</c>).
/// </summary>
public sealed class TrainingProgressReporter
{
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _unit;

    /// <param name="progress">The caller's receiver, or null (then only warnings are written, to standard error).</param>
    /// <param name="unit">What the run's work is counted in ("chars", "images", "windows").</param>
    public TrainingProgressReporter(IProgress<TrainingProgress>? progress, string unit)
    {
        _progress = progress;
        _unit = unit;
    }

    /// <summary>Units of work of the whole run as far as known.</summary>
    public long Total { get; set; }

    /// <summary>Wall time since the reporter was made.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Reports a line worth keeping.</summary>
    public void Info(string message) => _progress?.Report(new TrainingProgress { Kind = TrainingProgressKind.Info, Message = message, Elapsed = Elapsed, Total = Total, Unit = _unit });

    /// <summary>Reports a warning (to standard error when there is no receiver: <see cref="Warnings.Default"/>).</summary>
    public void Warning(string message)
    {
        if (_progress is null) Warnings.Default(message);
        else _progress.Report(new TrainingProgress { Kind = TrainingProgressKind.Warning, Message = message, Elapsed = Elapsed, Total = Total, Unit = _unit });
    }

    /// <summary>The receiver of load warnings during the run (e.g. the trained model's session falling back to the CPU).</summary>
    public Action<string> Warn => Warning;

    /// <summary>The native trainer's callbacks (<see cref="FitOptions.OnBatchEnd"/>, <see cref="FitOptions.OnEpochEnd"/>) that report one fit (one stage) of the run; null without a receiver.</summary>
    /// <param name="stage">The stage's name ("" for a run of one fit).</param>
    /// <param name="epochs">Epochs planned for this fit.</param>
    /// <param name="doneBefore">Units of work done by earlier stages.</param>
    /// <param name="perEpoch">Units of work per epoch of this fit (training samples, characters, images).</param>
    /// <param name="perBatch">Units of work per batch.</param>
    public (Action<BatchProgress>? OnBatchEnd, Action<EpochProgress>? OnEpochEnd) Callbacks(string stage, int epochs, long doneBefore, long perEpoch, long perBatch)
    {
        if (_progress is not { } progress) return (null, null);
        return (b => progress.Report(new TrainingProgress
        {
            Kind = TrainingProgressKind.Batch, Stage = stage, Epoch = b.Epoch, Epochs = epochs, Batch = b.Batch, Batches = b.Batches, Loss = b.Loss,
            Done = doneBefore + (b.Epoch - 1) * perEpoch + Math.Min(perEpoch, b.Batch * perBatch), Total = Total, Unit = _unit, Elapsed = Elapsed,
        }),
        e => progress.Report(new TrainingProgress
        {
            Kind = TrainingProgressKind.Epoch, Stage = stage, Epoch = e.Epoch, Epochs = e.Epochs, Loss = e.Loss, ValidationLoss = e.ValidationLoss,
            EpochElapsed = e.Elapsed, Done = doneBefore + e.Epoch * perEpoch, Total = Total, Unit = _unit, Elapsed = Elapsed,
        }));
    }
}
