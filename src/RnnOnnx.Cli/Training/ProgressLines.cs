using System.Globalization;
using RnnOnnx.Training;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// Shows a product trainer's <see cref="TrainingProgress"/> on an <see cref="ITrainingProgress"/> (bar or plain lines):
/// info lines as lines, warnings to <see cref="ITrainingProgress.Warning"/>, batches on the bar, and epochs as one line
/// each (or on the bar only, for trainers with many short fits).
/// </summary>
/// <param name="sink">Where lines, warnings and the bar go.</param>
/// <param name="validation">How an epoch line shows the validation loss (e.g. "val_bpc 1.6027"); null: epochs only move the bar.</param>
internal sealed class ProgressLines(ITrainingProgress sink, Func<double?, string>? validation) : IProgress<TrainingProgress>
{
    private readonly TrainingPace _pace = new(0);

    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.Kind)
        {
            case TrainingProgressKind.Info:
                sink.Line(value.Message ?? "");
                break;
            case TrainingProgressKind.Warning:
                sink.Warning(value.Message ?? "");
                break;
            case TrainingProgressKind.Batch:
                Observe(value);
                sink.Batch(value.Describe(), _pace, value.Unit);
                break;
            case TrainingProgressKind.Epoch:
                Observe(value);
                if (validation is null) sink.Batch(value.Describe(), _pace, value.Unit);
                else sink.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{value.Describe()}  {validation(value.ValidationLoss)}  {_pace.Describe(value.Unit)}  {value.EpochElapsed.TotalSeconds:F1} s"));
                break;
        }
    }

    private void Observe(TrainingProgress value)
    {
        _pace.Total = value.Total;
        _pace.Observe(value.Done, value.Elapsed);
    }
}
