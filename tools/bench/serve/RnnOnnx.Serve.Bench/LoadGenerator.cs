using System.Diagnostics;

namespace RnnOnnx.Serve.Bench;

/// <summary>
/// A closed-loop load: N connections, each sending its next forecast request as soon as the previous answer is in,
/// for a fixed time. Bounded by construction: it stops when the time is up, whatever the server does.
/// </summary>
internal static class LoadGenerator
{
    public static async Task<(int Completed, int Errors, double[] LatenciesMs, TimeSpan Elapsed)> RunAsync(
        Uri address, string path, string body, int connections, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            int errors = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                    using var response = await client.PostAsync(path, content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.IsSuccessStatusCode) latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    else errors++;
                }
                catch (HttpRequestException)
                {
                    errors++;
                }
                catch (TaskCanceledException)
                {
                    errors++;
                }
            }
            return (latencies, errors);
        })).ToArray();
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = results.SelectMany(r => r.latencies).ToArray();
        return (all.Length, results.Sum(r => r.errors), all, elapsed);
    }
}
