using System.Globalization;

namespace RnnOnnx.Serve.Bench;

/// <summary>
/// One measured phase: the client's numbers, the mean batch the server formed, and CPU time and managed bytes
/// allocated per request of this process (the server, plus the client when it runs in process), and the client's
/// CPU time when it runs apart.
/// </summary>
internal sealed record LoadResult(bool Batching, int Connections, LoadRun Run, double MeanBatch, TimeSpan ProcessCpu, long AllocatedBytes)
{
    public double RequestsPerSecond => Run.Completed / Run.Elapsed.TotalSeconds;

    public double ProcessCpuPerRequestMicroseconds => ProcessCpu.TotalMicroseconds / Math.Max(1, Run.Completed);

    public double AllocatedKilobytesPerRequest => AllocatedBytes / 1024.0 / Math.Max(1, Run.Completed);

    public double? ClientCpuPerRequestMicroseconds => Run.ClientCpu?.TotalMicroseconds / Math.Max(1, Run.Completed);

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {(Batching ? "on" : "off"),-8} | {Connections,11} | {RequestsPerSecond,10:0} | {Run.P50Ms,8:0.00} | {Run.P99Ms,8:0.00} | {MeanBatch,10:0.0} | {ProcessCpuPerRequestMicroseconds,17:0} | {AllocatedKilobytesPerRequest,13:0.0} | {(ClientCpuPerRequestMicroseconds is { } c ? c.ToString("0", CultureInfo.InvariantCulture) : "in server"),17} | {Run.Errors,6} |");

    public const string Header =
        "| batching | connections | requests/s | p50 (ms) | p99 (ms) | mean batch | server CPU µs/req | server KB/req | client CPU µs/req | errors |\n" +
        "| -------- | ----------: | ---------: | -------: | -------: | ---------: | ----------------: | ------------: | ----------------: | -----: |";
}
