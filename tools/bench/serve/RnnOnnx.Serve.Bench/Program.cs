using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RnnOnnx.Serve.Bench;
using Microsoft.AspNetCore.Builder;
using RnnOnnx.Server;

// Load test of `rnnonnx serve` forecasting: the host on Kestrel at a loopback port of this process, forecast requests
// at 1, 16 and 64 connections, micro-batching off and on back to back, by wrk when it is installed (else HttpClient).
// Prints a Markdown table and the same-round on/off ratios; exits 1 on any error.
//   dotnet run -c Release --project tools/bench/serve/RnnOnnx.Serve.Bench -- [--seconds 10] [--warmup 2] [--connections 1,16,64]
//       [--repeat 1] [--client auto|wrk|httpclient] [--models models/forecast] [--model airpassengers] [--series data/forecast/AirPassengers.csv]
//   ... -- --protocols true [--connections 64]: /v1 and the Open Inference Protocol /v2 side by side on one host (ProtocolCompare).
var settings = Settings.Parse(args);
var values = File.ReadLines(settings.Series).Skip(1).Select(l => l.Split(',')[1]).ToArray();
if (args.Contains("--protocols")) return await ProtocolCompare.RunAsync(settings, values);
string body = $"{{\"history\": [{string.Join(",", values)}]}}";
string path = $"/v1/models/{settings.Model}/forecast";
string bodyFile = Path.Combine(Path.GetTempPath(), $"rnnonnx-serve-bench-{Environment.ProcessId}.json");
File.WriteAllText(bodyFile, body);
try
{
    var client = CreateClient(settings.Client, body, bodyFile);
    // Both hosts live side by side in this process and are warmed alike; each connection count is then measured off
    // and on back to back, so that the two rows of a pair share the machine's state (JIT tiers, other load) as far as can be.
    var hosts = new Dictionary<bool, WebApplication>();
    foreach (bool batching in new[] { false, true })
    {
        var app = InferenceHost.Build(new ServerOptions { ModelsDirectory = settings.Models, Batching = batching },
            ["http://127.0.0.1:0"], ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        hosts[batching] = app;
    }
    foreach (var app in hosts.Values)
        foreach (int connections in settings.Connections)
            await client.RunAsync(new Uri(app.Urls.First()), path, connections, settings.Warmup);
    var results = new List<LoadResult>();
    for (int round = 0; round < settings.Repeat; round++)
        foreach (int connections in settings.Connections)
            foreach (bool batching in new[] { false, true })
            {
                var address = new Uri(hosts[batching].Urls.First());
                var (sum0, count0) = await BatchSizesAsync(address, settings.Model);
                var cpu0 = ProcessCpu();
                long allocated0 = GC.GetTotalAllocatedBytes();
                var run = await client.RunAsync(address, path, connections, settings.Duration);
                var cpu = ProcessCpu() - cpu0;
                long allocated = GC.GetTotalAllocatedBytes() - allocated0;
                var (sum1, count1) = await BatchSizesAsync(address, settings.Model);
                var result = new LoadResult(batching, connections, run, (sum1 - sum0) / Math.Max(1, count1 - count0), cpu, allocated);
                results.Add(result);
                Console.Error.WriteLine(result.Row());
            }
    foreach (var app in hosts.Values)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    Console.WriteLine($"forecast requests to '{settings.Model}' ({values.Length}-point history) by {client.Name}, {settings.Duration.TotalSeconds:0} s per row, " +
        $"{settings.Repeat} round(s), each host first warmed {settings.Warmup.TotalSeconds:0} s per connection count, {Environment.ProcessorCount} cores");
    Console.WriteLine(LoadResult.Header);
    foreach (var r in results.OrderBy(r => r.Batching).ThenBy(r => r.Connections)) Console.WriteLine(r.Row());
    var cost = InferenceCost.Measure(Path.Combine(settings.Models, settings.Model + ".onnx"), values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Model alone (no HTTP, CPU time): PrepareInput {cost.PrepareMicroseconds:0.0} µs; ONNX Runtime {cost.SingleMicroseconds:0.0} µs per forecast one at a time, " +
        $"{cost.BatchedMicroseconds:0.0} µs per forecast in batches of 64 ({cost.SingleMicroseconds / cost.BatchedMicroseconds:0.00}x)"));
    foreach (int c in settings.Connections)
    {
        // Ratios are taken within a round (off and on back to back), then the median over rounds.
        var ratios = Enumerable.Range(0, settings.Repeat).Select(round => Pair(results, c, round)).Select(p => p.On.RequestsPerSecond / p.Off.RequestsPerSecond).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c} connections: batching on/off = {ratios[ratios.Length / 2]:0.00}x requests/s (median of {ratios.Length}; each round: {string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))})"));
    }
    return results.Any(r => r.Run.Errors > 0) ? 1 : 0;
}
finally
{
    File.Delete(bodyFile);
}

static ILoadClient CreateClient(string choice, string body, string bodyFile)
{
    string? wrk = WrkLoad.Find();
    // forecast.lua sits next to the project in the source tree; the bench is run from the repository root.
    string script = Path.GetFullPath("tools/bench/serve/forecast.lua");
    if (wrk is not null && choice != "httpclient" && !File.Exists(script))
        throw new InvalidOperationException($"wrk needs {script}; run the bench from the repository root (or pass --client httpclient).");
    return choice switch
    {
        "httpclient" => new HttpClientLoad(body),
        "wrk" => new WrkLoad(wrk ?? throw new InvalidOperationException("--client wrk: wrk is not on PATH (Debian: apt-get install wrk)."), script, bodyFile),
        "auto" => wrk is null ? new HttpClientLoad(body) : new WrkLoad(wrk, script, bodyFile),
        _ => throw new ArgumentException($"--client is 'auto', 'wrk' or 'httpclient', not '{choice}'."),
    };
}

static (LoadResult Off, LoadResult On) Pair(List<LoadResult> results, int connections, int round) =>
    (results.Where(r => !r.Batching && r.Connections == connections).ElementAt(round), results.Where(r => r.Batching && r.Connections == connections).ElementAt(round));

static TimeSpan ProcessCpu()
{
    using var process = Process.GetCurrentProcess();
    return process.TotalProcessorTime;
}

// The batch-size histogram's sum and count from /metrics: rows and ONNX Runtime calls so far.
static async Task<(double Sum, double Count)> BatchSizesAsync(Uri address, string model)
{
    using var client = new HttpClient { BaseAddress = address };
    string text = await client.GetStringAsync("/metrics");
    double Read(string sample) => Regex.Match(text, $@"^{Regex.Escape(sample)} (\S+)$", RegexOptions.Multiline) is { Success: true } m
        ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    return (Read($"rnnonnx_forecast_batch_size_sum{{model=\"{model}\"}}"), Read($"rnnonnx_forecast_batch_size_count{{model=\"{model}\"}}"));
}
