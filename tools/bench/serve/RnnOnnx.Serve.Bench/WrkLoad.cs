using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RnnOnnx.Serve.Bench;

/// <summary>
/// Debian's <c>wrk</c> (one event-loop thread, C) driven by <c>forecast.lua</c>: a fraction of HttpClient's CPU per
/// request, so more of the shared cores are left to the server. Its CPU time is read as this process's reaped
/// children's (<c>/proc/self/stat</c> cutime + cstime).
/// </summary>
internal sealed partial class WrkLoad(string wrk, string script, string bodyFile) : ILoadClient
{
    // USER_HZ: /proc reports times in these ticks on every Linux ABI.
    private const double TicksPerSecond = 100;

    public string Name => "wrk (separate process)";

    public bool InProcess => false;

    /// <summary>wrk's path if it is on PATH, else null.</summary>
    public static string? Find() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "wrk")).FirstOrDefault(File.Exists);

    public async Task<LoadRun> RunAsync(Uri address, string path, int connections, TimeSpan duration)
    {
        var info = new ProcessStartInfo(wrk)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["BODY_FILE"] = bodyFile },
        };
        // wrk takes whole seconds only.
        int seconds = Math.Max(1, (int)Math.Ceiling(duration.TotalSeconds));
        foreach (string arg in new[] { "-t1", $"-c{connections}", string.Create(CultureInfo.InvariantCulture, $"-d{seconds}s"),
            "--timeout", "30s", "-s", script, new Uri(address, path).ToString() })
            info.ArgumentList.Add(arg);
        var cpu0 = ChildrenCpu();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"'{wrk}' did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // wrk stops itself after the duration; the margin only guards against a hung connection at the end.
        using var guard = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(guard.Token);
        var clientCpu = ChildrenCpu() - cpu0;
        string text = await output;
        var line = ResultLine().Match(text);
        if (process.ExitCode != 0 || !line.Success)
            throw new InvalidOperationException($"wrk exited with {process.ExitCode} without its result line:\n{text}\n{await errors}");
        long Value(string name) => long.Parse(line.Groups[name].Value, CultureInfo.InvariantCulture);
        int requests = (int)Value("requests"), failed = (int)Value("errors");
        return new LoadRun(requests - failed, failed, Value("p50") / 1000.0, Value("p99") / 1000.0,
            TimeSpan.FromMicroseconds(Value("duration")), clientCpu);
    }

    // Fields 16 and 17 of /proc/self/stat: CPU time of children waited for (wrk, once reaped), user and system.
    private static TimeSpan ChildrenCpu()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        // The command name (field 2) may hold spaces; fields are counted from the ')' that closes it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double ticks = double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    [GeneratedRegex(@"^rnnonnx-bench requests=(?<requests>\d+) duration_us=(?<duration>\d+) errors=(?<errors>\d+) p50_us=(?<p50>\d+) p99_us=(?<p99>\d+)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
