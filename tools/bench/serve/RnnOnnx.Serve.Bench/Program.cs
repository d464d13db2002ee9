using System.Globalization;
using System.Text.RegularExpressions;
using RnnOnnx.Serve.Bench;
using Microsoft.AspNetCore.Builder;
using RnnOnnx.Server;

// Load test of `rnnonnx serve` forecasting: the host on Kestrel at a loopback port of this process, forecast requests
// at 1, 16 and 64 connections, micro-batching off and on back to back. Prints a Markdown table; exits 1 on any error.
//   dotnet run -c Release --project tools/bench/serve/RnnOnnx.Serve.Bench -- [--seconds 10] [--warmup 2] [--connections 1,16,64]
//       [--models models/forecast] [--model airpassengers] [--series data/forecast/AirPassengers.csv]
var settings = Settings.Parse(args);
var values = File.ReadLines(settings.Series).Skip(1).Select(l => l.Split(',')[1]).ToArray();
string body = $"{{\"history\": [{string.Join(",", values)}]}}";
string path = $"/v1/models/{settings.Model}/forecast";
// Both hosts live side by side in this process and are warmed alike; each connection count is then measured off and
// on back to back, so that the two rows of a pair share the machine's state (JIT tiers, other load) as far as can be.
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
        await LoadGenerator.RunAsync(new Uri(app.Urls.First()), path, body, connections, settings.Warmup);
var results = new List<LoadResult>();
foreach (int connections in settings.Connections)
{
    foreach (bool batching in new[] { false, true })
    {
        var address = new Uri(hosts[batching].Urls.First());
        var (sum0, count0) = await BatchSizesAsync(address, settings.Model);
        var (completed, errors, latencies, elapsed) = await LoadGenerator.RunAsync(address, path, body, connections, settings.Duration);
        var (sum1, count1) = await BatchSizesAsync(address, settings.Model);
        var result = new LoadResult(batching, connections, elapsed, completed, errors, latencies, (sum1 - sum0) / Math.Max(1, count1 - count0));
        results.Add(result);
        Console.Error.WriteLine(result.Row());
    }
}
foreach (var app in hosts.Values)
{
    await app.StopAsync();
    await app.DisposeAsync();
}

Console.WriteLine($"forecast requests to '{settings.Model}' ({values.Length}-point history), {settings.Duration.TotalSeconds:0} s per row, each host first warmed {settings.Warmup.TotalSeconds:0} s per connection count, {Environment.ProcessorCount} cores");
Console.WriteLine(LoadResult.Header);
foreach (var r in results.OrderBy(r => r.Batching).ThenBy(r => r.Connections)) Console.WriteLine(r.Row());
var (single, batched) = InferenceCost.Measure(Path.Combine(settings.Models, settings.Model + ".onnx"), values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ONNX Runtime alone (no HTTP): {single:0} µs per forecast one at a time, {batched:0.0} µs per forecast in batches of 64 ({single / batched:0.0}x)"));
foreach (int c in settings.Connections)
{
    var off = results.Single(r => !r.Batching && r.Connections == c);
    var on = results.Single(r => r.Batching && r.Connections == c);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c} connections: batching on/off = {on.RequestsPerSecond / off.RequestsPerSecond:0.00}x requests/s"));
}
return results.Any(r => r.Errors > 0) ? 1 : 0;

// The batch-size histogram's sum and count from /metrics: rows and ONNX Runtime calls so far.
static async Task<(double Sum, double Count)> BatchSizesAsync(Uri address, string model)
{
    using var client = new HttpClient { BaseAddress = address };
    string text = await client.GetStringAsync("/metrics");
    double Read(string sample) => Regex.Match(text, $@"^{Regex.Escape(sample)} (\S+)$", RegexOptions.Multiline) is { Success: true } m
        ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    return (Read($"rnnonnx_forecast_batch_size_sum{{model=\"{model}\"}}"), Read($"rnnonnx_forecast_batch_size_count{{model=\"{model}\"}}"));
}
