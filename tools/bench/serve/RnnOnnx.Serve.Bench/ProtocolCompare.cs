using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using RnnOnnx.Server;

namespace RnnOnnx.Serve.Bench;

/// <summary>
/// <c>--protocols</c>: one host (batching on), /v1 and the Open Inference Protocol /v2 side by side with HttpClient, per
/// connection count: /v1 forecast (the whole history per request, micro-batched), /v1 stream observe (one value per
/// request on the connection's own stream) and /v2 infer on the forecaster's step graph (one step per request on the
/// connection's own sequence_id, started once with sequence_start). The last two do the same model work.
/// </summary>
internal static class ProtocolCompare
{
    public static async Task<int> RunAsync(Settings settings, string[] values)
    {
        string history = $"{{\"history\": [{string.Join(",", values)}]}}";
        string first = $"{{\"values\": [{string.Join(",", values)}]}}";
        var app = InferenceHost.Build(new ServerOptions { ModelsDirectory = settings.Models }, ["http://127.0.0.1:0"], ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        string model = settings.Model;
        string context = string.Join(",", Enumerable.Repeat("0.01", 24));
        var phases = new (string Name, Func<int, long, (string Path, string Body)> Request)[]
        {
            ("/v1 forecast (history)", (_, _) => ($"/v1/models/{model}/forecast", history)),
            ("/v1 stream observe (1 value)", (w, n) => ($"/v1/models/{model}/streams/w{w}/observe", n == 0 ? first : "{\"values\": [431]}")),
            ("/v2 infer sequence step (1 value)", (w, n) => ($"/v2/models/{model}/infer", n == 0
                ? $"{{\"parameters\": {{\"sequence_id\": {w + 1}, \"sequence_start\": true}}, \"inputs\": [{{\"name\": \"input\", \"shape\": [1, 24, 1], \"datatype\": \"FP32\", \"data\": [{context}]}}]}}"
                : $"{{\"parameters\": {{\"sequence_id\": {w + 1}}}, \"inputs\": [{{\"name\": \"input\", \"shape\": [1, 1, 1], \"datatype\": \"FP32\", \"data\": [0.01]}}]}}")),
        };
        Console.WriteLine($"/v1 and /v2 on one host (batching on), HttpClient in process, {settings.Duration.TotalSeconds:0} s per row after {settings.Warmup.TotalSeconds:0} s warm-up, {Environment.ProcessorCount} cores");
        Console.WriteLine("| endpoint | connections | requests/s | p50 (ms) | p99 (ms) | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        int errors = 0;
        var rates = new Dictionary<(string, int), double>();
        foreach (int connections in settings.Connections)
            foreach (var (name, request) in phases)
            {
                await HttpClientLoad.RunAsync(address, connections, settings.Warmup, request);
                var run = await HttpClientLoad.RunAsync(address, connections, settings.Duration, request);
                var (rate, p50, p99, failed) = (run.Completed / run.Elapsed.TotalSeconds, run.P50Ms, run.P99Ms, run.Errors);
                errors += failed;
                rates[(name, connections)] = rate;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {connections} | {rate:0} | {p50:0.00} | {p99:0.00} | {failed} |"));
            }
        foreach (int c in settings.Connections)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c} connections: /v2 step / /v1 stream observe = {rates[(phases[2].Name, c)] / rates[(phases[1].Name, c)]:0.00}x, /v2 step / /v1 forecast = {rates[(phases[2].Name, c)] / rates[(phases[0].Name, c)]:0.00}x requests/s"));
        await app.StopAsync();
        await app.DisposeAsync();
        return errors > 0 ? 1 : 0;
    }
}
