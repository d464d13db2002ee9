using System.CommandLine;

namespace RnnOnnx.Cli.Commands;

/// <summary>`rnnonnx bench forecast|caption`: accuracy and speed of the shipped products on this machine (trainer and SGEMM speed: tools/bench/RnnOnnx.Bench).</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("bench", "Measure forecasting and captioning accuracy and speed on this machine.");
        command.Subcommands.Add(BenchForecastCommand.Create(output, error));
        command.Subcommands.Add(BenchCaptionCommand.Create(output));
        return command;
    }
}
