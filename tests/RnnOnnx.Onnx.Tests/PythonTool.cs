using System.Diagnostics;

namespace RnnOnnx.Onnx.Tests;

/// <summary>Runs the repository's Python reference scripts with Debian's /usr/bin/python3.</summary>
internal static class PythonTool
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RnnOnnx.sln"))) return dir.FullName;
            throw new InvalidOperationException("RnnOnnx.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Runs tools/parity/SCRIPT with arguments; fails the test (never skips) when Python or its packages are missing.</summary>
    public static (int Exit, string Output, string Error) Run(string script, IEnumerable<string> arguments)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} is missing: run `bash tools/setup.sh` to install Debian's python3-onnx and python3-torch.");
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot, "tools", "parity", script));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{script} did not finish in 5 minutes");
        Assert.False(error.Result.Contains("ModuleNotFoundError", StringComparison.Ordinal),
            $"{script} cannot import its packages: run `bash tools/setup.sh`.\n{error.Result}");
        return (process.ExitCode, output.Result, error.Result);
    }
}
