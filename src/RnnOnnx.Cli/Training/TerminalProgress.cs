using Spectre.Console;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// Progress on a terminal: a Spectre.Console bar with epoch, batch, loss, speed and ETA, redrawn after each batch,
/// and kept lines printed above it; the bar pulses until the first batch is reported.
/// </summary>
internal sealed class TerminalProgress(IAnsiConsole console, ProgressTask task) : ITrainingProgress
{
    public void Line(string text) => console.WriteLine(text);

    /// <summary>Above the bar, like a kept line, but on standard error's terms: <c>warning: …</c>.</summary>
    public void Warning(string text) => console.MarkupLine("[yellow]warning:[/] " + Markup.Escape(text));

    public void Batch(string status, TrainingPace pace, string unit)
    {
        task.Description = Markup.Escape($"{status}  {pace.Describe(unit)}");
        task.IsIndeterminate = false;
        task.Value = pace.Fraction * task.MaxValue;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a bar on the console when <paramref name="output"/> is the console and a
    /// terminal, else with plain lines to <paramref name="output"/>.
    /// </summary>
    /// <param name="output">Where lines go.</param>
    /// <param name="error">Where warnings go as <c>warning: …</c> when the output is plain.</param>
    /// <param name="work">The training.</param>
    public static T Run<T>(TextWriter output, TextWriter error, Func<ITrainingProgress, T> work)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return work(new PlainProgress(output.WriteLine, message => error.WriteLine("warning: " + message)));
        return AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(context =>
            {
                // Tasks that report no batches (the forecaster's ensemble) keep the bar pulsing under their kept lines.
                var task = context.AddTask("training", maxValue: 1000);
                task.IsIndeterminate = true;
                return work(new TerminalProgress(AnsiConsole.Console, task));
            });
    }
}
