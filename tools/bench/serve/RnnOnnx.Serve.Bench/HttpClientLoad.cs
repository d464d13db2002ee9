using System.Diagnostics;

namespace RnnOnnx.Serve.Bench;

/// <summary>
/// The load client of last resort, in this process on <see cref="HttpClient"/>: needs nothing installed, but its
/// HTTP stack costs about as much CPU per request as the server's and runs on the same cores.
/// </summary>
internal sealed class HttpClientLoad(string body) : ILoadClient
{
    public string Name => "HttpClient (in process)";

    public bool InProcess => true;

    public Task<LoadRun> RunAsync(Uri address, string path, int connections, TimeSpan duration) =>
        RunAsync(address, connections, duration, (_, _) => (path, body));

    /// <summary>
    /// The closed loop itself, with the request chosen per connection and per call: <paramref name="request"/>
    /// (connection, call number) gives the path and JSON body, so one load can walk sequences or vary the payload.
    /// </summary>
    public static async Task<LoadRun> RunAsync(Uri address, int connections, TimeSpan duration, Func<int, long, (string Path, string Body)> request)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            int errors = 0;
            for (long n = 0; Stopwatch.GetTimestamp() < stopAt; n++)
            {
                var (path, body) = request(worker, n);
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                    using var response = await client.PostAsync(path, content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.IsSuccessStatusCode) latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    else errors++;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    errors++;
                }
            }
            return (latencies, errors);
        })).ToArray();
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var sorted = results.SelectMany(r => r.latencies).Order().ToArray();
        return new LoadRun(sorted.Length, results.Sum(r => r.errors), Percentile(sorted, 0.50), Percentile(sorted, 0.99), elapsed, ClientCpu: null);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
