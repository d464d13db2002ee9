namespace RnnOnnx.Serve.Bench;

/// <summary>
/// What one load client measured in one phase: requests answered, failures, latency percentiles, and the CPU time
/// the client itself spent (null when it shares this process with the server and cannot be told apart).
/// </summary>
internal sealed record LoadRun(int Completed, int Errors, double P50Ms, double P99Ms, TimeSpan Elapsed, TimeSpan? ClientCpu);
