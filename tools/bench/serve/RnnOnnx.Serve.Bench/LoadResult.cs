using System.Globalization;

namespace RnnOnnx.Serve.Bench;

/// <summary>One measured phase: how many requests completed, how many failed, and their latencies.</summary>
internal sealed record LoadResult(bool Batching, int Connections, TimeSpan Elapsed, int Completed, int Errors, double[] LatenciesMs, double MeanBatch)
{
    public double RequestsPerSecond => Completed / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0) return double.NaN;
        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {(Batching ? "on" : "off"),-8} | {Connections,11} | {RequestsPerSecond,10:0} | {Percentile(0.50),8:0.00} | {Percentile(0.99),8:0.00} | {MeanBatch,10:0.0} | {Errors,6} |");

    public const string Header =
        "| batching | connections | requests/s | p50 (ms) | p99 (ms) | mean batch | errors |\n" +
        "| -------- | ----------: | ---------: | -------: | -------: | ---------: | -----: |";
}
