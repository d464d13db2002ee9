using System.Diagnostics;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>What every refused input must look like: exit 1, one "error:" line naming the problem, no stack trace.</summary>
internal static class FaultAssert
{
    public static void Refused((int Exit, string Output, string Error) result, params string[] mentions)
    {
        Assert.True(result.Exit == 1, $"exit {result.Exit}: {result.Error}");
        Assert.StartsWith("error: ", result.Error.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Error, StringComparison.Ordinal);
        foreach (var m in mentions) Assert.Contains(m, result.Error, StringComparison.Ordinal);
    }

    /// <summary>Runs the built rnnonnx in its own process: what standard output really receives.</summary>
    public static (int Exit, string Output, string Error) RunProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rnnonnx.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
