using System.CommandLine;
using RnnOnnx.Cli.Commands;

namespace RnnOnnx.Cli;

/// <summary>
/// The command tree and the contract scripts rely on: exit 0 on success; on failure exit 1 with one clear
/// line on stderr, and a stack trace only with --verbose.
/// </summary>
internal static class CommandLine
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show stack traces on errors", Recursive = true };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = CreateRoot(output, error).Parse(args);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        // The user's mistakes, whichever command and library found them: a bad --provider is a FormatException of its own type.
        catch (Exception e) when (e is RnnOnnxException or IOException or UnauthorizedAccessException or ArgumentException or OperationCanceledException
                                   or Runtime.ExecutionProviderFormatException)
        {
            error.WriteLine($"error: {OneLine(e.Message)}");
            if (parsed.GetValue(Verbose)) error.WriteLine(e);
            return 1;
        }
        catch (Exception e)
        {
            // Anything else is our bug, not the user's input: still one line and a non-zero exit, details with --verbose.
            error.WriteLine($"error: internal error ({e.GetType().Name}: {OneLine(e.Message)}); run again with --verbose for details and please report it");
            if (parsed.GetValue(Verbose)) error.WriteLine(e);
            return 2;
        }
    }

    /// <summary>The command tree (also what deployment checks parse container arguments with).</summary>
    public static RootCommand CreateRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("rnnonnx: train recurrent networks in .NET and run them anywhere as ONNX.");
        root.Options.Add(Verbose);
        root.Subcommands.Add(DemoCommand.Create(output, error));
        root.Subcommands.Add(ExportCommand.Create(output));
        root.Subcommands.Add(InspectCommand.Create(output));
        root.Subcommands.Add(BenchCommand.Create(output, error));
        root.Subcommands.Add(RunCommand.Create(error));
        root.Subcommands.Add(ForecastCommand.Create(output, error));
        root.Subcommands.Add(TrainCommand.Create(output, error));
        root.Subcommands.Add(GenerateCommand.Create(output, error));
        root.Subcommands.Add(ScenesCommand.Create(output));
        root.Subcommands.Add(CaptionCommand.Create(output, error));
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MotorCommand.Create(output, error));
        return root;
    }

    /// <summary>Errors are one line: a message with line breaks (ONNX Runtime's, a parser's) is joined, and cut if huge.</summary>
    private static string OneLine(string message)
    {
        string line = message.Trim().ReplaceLineEndings(" ");
        return line.Length > 2000 ? line[..2000] + "…" : line;
    }
}
