using System.Globalization;

namespace RnnOnnx.Training;

/// <summary>What a <see cref="TrainingProgress"/> reports.</summary>
public enum TrainingProgressKind
{
    /// <summary>An optimizer step (batch) finished: <see cref="TrainingProgress.Batch"/>, <see cref="TrainingProgress.Loss"/> of that batch.</summary>
    Batch,
    /// <summary>An epoch finished: <see cref="TrainingProgress.Loss"/> is the epoch's mean, <see cref="TrainingProgress.ValidationLoss"/> set when data is held out.</summary>
    Epoch,
    /// <summary>A line worth keeping (data summary, a stage's result): <see cref="TrainingProgress.Message"/>.</summary>
    Info,
    /// <summary>
    /// A warning (<see cref="TrainingProgress.Message"/>): something was repaired or chosen for the caller, such as
    /// missing values filled or ONNX Runtime falling back to the CPU. Training warnings reach the caller only here.
    /// </summary>
    Warning,
}

/// <summary>
/// One progress report of a product trainer (<c>RnnForecastTrainer</c>, <c>TextTrainer</c>, <c>CaptionTrainer</c>),
/// delivered synchronously on the training thread to the <see cref="IProgress{T}"/> given to <c>Train</c>. Every
/// product fills the same fields the same way: epochs and losses as the native trainer reports them, and
/// <see cref="Done"/>/<see cref="Total"/> in <see cref="Unit"/>s with <see cref="Elapsed"/> for speed and time left.
/// </summary>
/// <remarks>
/// Warnings are progress reports of kind <see cref="TrainingProgressKind.Warning"/> (the one warnings channel of a
/// training run); with no progress receiver they go to standard error as <c>warning: …</c> (<see cref="Warnings.Default"/>),
/// as a model's load warnings do when no <c>warn</c> callback is given.
/// </remarks>
public sealed record TrainingProgress
{
    /// <summary>What this report is.</summary>
    public required TrainingProgressKind Kind { get; init; }

    /// <summary>The stage of a run with several (e.g. "calibration 2/3" of a forecasting ensemble); empty for a single run.</summary>
    public string Stage { get; init; } = "";

    /// <summary>1-based epoch (0 before the first).</summary>
    public int Epoch { get; init; }

    /// <summary>Epochs planned for the current stage.</summary>
    public int Epochs { get; init; }

    /// <summary>1-based batch within the epoch (batch reports).</summary>
    public int Batch { get; init; }

    /// <summary>Batches per epoch (batch reports).</summary>
    public int Batches { get; init; }

    /// <summary>Loss of the batch (batch reports) or the epoch's mean training loss (epoch reports); NaN otherwise.</summary>
    public double Loss { get; init; } = double.NaN;

    /// <summary>Validation loss after the epoch, when data is held out.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Wall time of the epoch (epoch reports).</summary>
    public TimeSpan EpochElapsed { get; init; }

    /// <summary>Units of work done in the whole run so far (including any done before a resume).</summary>
    public long Done { get; init; }

    /// <summary>Units of work of the whole run as far as known now (a later stage's length may add to it).</summary>
    public long Total { get; init; }

    /// <summary>What <see cref="Done"/> and <see cref="Total"/> count: "samples", "chars", "images", "windows".</summary>
    public string Unit { get; init; } = "samples";

    /// <summary>Wall time since <c>Train</c> started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The text of an <see cref="TrainingProgressKind.Info"/> or <see cref="TrainingProgressKind.Warning"/> report.</summary>
    public string? Message { get; init; }

    /// <summary>Share of the run done, in [0, 1].</summary>
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);

    /// <summary>"epoch 3/10  batch 12/40  loss 1.2345" (with the stage in front when there is one).</summary>
    public string Describe() => Kind switch
    {
        TrainingProgressKind.Batch => string.Create(CultureInfo.InvariantCulture, $"{Prefix}epoch {Epoch}/{Epochs}  batch {Batch}/{Batches}  loss {Loss:F4}"),
        TrainingProgressKind.Epoch => string.Create(CultureInfo.InvariantCulture, $"{Prefix}epoch {Epoch}/{Epochs}  loss {Loss:F4}"),
        _ => Message ?? "",
    };

    private string Prefix => Stage.Length == 0 ? "" : Stage + "  ";
}
