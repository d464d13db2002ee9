namespace RnnOnnx.Cli.Training;

/// <summary>Progress as plain lines (output redirected, or tests): one line per event, nothing per batch.</summary>
internal sealed class PlainProgress(Action<string> write) : ITrainingProgress
{
    public void Line(string text) => write(text);

    public void Batch(string status, TrainingPace pace, string unit) { }
}
