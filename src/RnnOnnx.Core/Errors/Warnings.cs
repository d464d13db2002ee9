using RnnOnnx.Training;

namespace RnnOnnx;

/// <summary>
/// The warnings convention of the products: a training run reports warnings as <see cref="TrainingProgress"/> of kind
/// <see cref="TrainingProgressKind.Warning"/>; loading a model takes an <c>Action&lt;string&gt;? warn</c>. Either way a
/// warning is one sentence without a prefix, and with no receiver it goes to standard error as <c>warning: …</c>.
/// </summary>
public static class Warnings
{
    /// <summary>Writes <c>warning: MESSAGE</c> to standard error: what every product does with a warning nobody receives.</summary>
    public static void Default(string message) => Console.Error.WriteLine("warning: " + message);

    /// <summary>The receiver for load warnings during a training run: a warning report to <paramref name="progress"/>, or <see cref="Default"/> without one.</summary>
    public static Action<string> To(IProgress<TrainingProgress>? progress) =>
        progress is null ? Default : message => progress.Report(new TrainingProgress { Kind = TrainingProgressKind.Warning, Message = message });

    /// <summary><paramref name="warn"/>, or <see cref="Default"/> when null.</summary>
    public static Action<string> OrDefault(Action<string>? warn) => warn ?? Default;
}
