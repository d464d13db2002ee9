namespace RnnOnnx.Cli.Training;

/// <summary>Progress as plain lines (output redirected, or tests): one line per event, nothing per batch.</summary>
/// <param name="write">Where lines go.</param>
/// <param name="warn">Where warnings go (default: standard error as <c>warning: …</c>).</param>
internal sealed class PlainProgress(Action<string> write, Action<string>? warn = null) : ITrainingProgress
{
    public void Line(string text) => write(text);

    public void Warning(string text) => Warnings.OrDefault(warn)(text);

    public void Batch(string status, TrainingPace pace, string unit) { }
}
