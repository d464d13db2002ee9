using System.Globalization;
using System.Text.RegularExpressions;
using RnnOnnx.Serve.Bench;
using RnnOnnx.Server;

// Load test of `rnnonnx serve` forecasting: the host on Kestrel at a loopback port of this process, forecast requests
// at 1, 16 and 64 connections, micro-batching off then on, back to back. Prints a Markdown table; exits 1 on any error.
//   dotnet run -c Release --project tools/bench/serve/RnnOnnx.Serve.Bench -- [--seconds 10] [--warmup 2] [--connections 1,16,64]
//       [--models models/forecast] [--model airpassengers] [--series data/forecast/AirPassengers.csv]
var settings = Settings.Parse(args);
var values = File.ReadLines(settings.Series).Skip(1).Select(l => l.Split(',')[1]).ToArray();
string body = $"{{\"history\": [{string.Join(",", values)}]}}";
string path = $"/v1/models/{settings.Model}/forecast";
var results = new List<LoadResult>();
foreach (bool batching in new[] { false, true })
{
    var options = new ServerOptions { ModelsDirectory = settings.Models, Batching = batching };
    await using var app = InferenceHost.Build(options, ["http://127.0.0.1:0"], ["--Logging:LogLevel:Default=Warning"]);
    await app.StartAsync();
    var address = new Uri(app.Urls.First());
    using (var probe = new HttpClient { BaseAddress = address })
        (await probe.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    foreach (int connections in settings.Connections)
    {
        await LoadGenerator.RunAsync(address, path, body, connections, settings.Warmup);
        var (sum0, count0) = await BatchSizesAsync(address, settings.Model);
        var (completed, errors, latencies, elapsed) = await LoadGenerator.RunAsync(address, path, body, connections, settings.Duration);
        var (sum1, count1) = await BatchSizesAsync(address, settings.Model);
        var result = new LoadResult(batching, connections, elapsed, completed, errors, latencies, (sum1 - sum0) / Math.Max(1, count1 - count0));
        results.Add(result);
        Console.Error.WriteLine(result.Row());
    }
    await app.StopAsync();
}

Console.WriteLine($"forecast requests to '{settings.Model}' ({values.Length}-point history), {settings.Duration.TotalSeconds:0} s per row after {settings.Warmup.TotalSeconds:0} s warm-up, {Environment.ProcessorCount} cores");
Console.WriteLine(LoadResult.Header);
foreach (var r in results) Console.WriteLine(r.Row());
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
