using System.Diagnostics;
using System.Text;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>
/// The real command line as a child process (<c>dotnet rnnonnx.dll …</c> from this test project's output folder), so
/// that tests can SIGKILL, SIGTERM or SIGINT it. Every wait is bounded.
/// </summary>
internal sealed class ChildCli : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new(), _error = new();

    private ChildCli(string folder, string[] args)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rnnonnx.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_error) _error.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static ChildCli Start(string folder, params string[] args) => new(folder, args);

    /// <summary>Runs to the end (at most <paramref name="seconds"/>).</summary>
    public static (int Exit, string Output, string Error) Run(string folder, int seconds, params string[] args)
    {
        using var child = Start(folder, args);
        return child.Wait(seconds);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Waits for the exit; a child still running after <paramref name="seconds"/> is killed and the test fails.</summary>
    public (int Exit, string Output, string Error) Wait(int seconds)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(seconds)))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            Assert.Fail($"rnnonnx did not end within {seconds} s; output: {Output}");
        }
        _process.WaitForExit(); // drains the redirected streams
        lock (_error) return (_process.ExitCode, Output, _error.ToString());
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed or cleaned up.</summary>
    public void Kill9()
    {
        try { _process.Kill(); } catch (InvalidOperationException) { } // already gone
        _process.WaitForExit();
    }

    /// <summary>Sends SIGTERM or SIGINT (by number, through kill(1)).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit(5000);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the child exits (at most <paramref name="seconds"/>); true when it held.</summary>
    /// <param name="condition">What to wait for.</param>
    /// <param name="seconds">The bound.</param>
    /// <param name="spin">Poll without pausing (to catch a file that exists for milliseconds); otherwise every 5 ms.</param>
    public bool WaitUntil(Func<bool> condition, int seconds = 60, bool spin = false)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (condition()) return true;
            if (_process.HasExited) return condition();
            if (!spin) Thread.Sleep(5);
        }
        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill9();
        _process.Dispose();
    }
}
