using System.Diagnostics;
using RnnOnnx.Forecasting;

namespace RnnOnnx.Serve.Bench;

/// <summary>
/// The model's own cost without HTTP, in CPU time (less swayed than wall time by other work on shared cores):
/// preparing one history, and running forecasts one at a time and in batches of 64 — the part of a request that
/// micro-batching can save, against which the HTTP rows are to be read.
/// </summary>
internal static class InferenceCost
{
    internal sealed record Result(double PrepareMicroseconds, double SingleMicroseconds, double BatchedMicroseconds);

    public static Result Measure(string modelFile, double[] history, int rows = 6400)
    {
        using var model = RnnForecastModel.Load(modelFile);
        var input = model.PrepareInput(history);
        var batch = Enumerable.Repeat(input, 64).ToArray();
        for (int i = 0; i < 200; i++) model.ForecastBatch([model.PrepareInput(history)]);
        for (int i = 0; i < 20; i++) model.ForecastBatch(batch);
        double prepare = PerRow(rows, () => model.PrepareInput(history));
        double single = PerRow(rows, () => model.ForecastBatch([input]));
        double batched = PerRow(rows / 64, () => model.ForecastBatch(batch)) / 64;
        return new Result(prepare, single, batched);
    }

    private static double PerRow(int count, Action run)
    {
        using var process = Process.GetCurrentProcess();
        var start = process.TotalProcessorTime;
        for (int i = 0; i < count; i++) run();
        process.Refresh();
        return (process.TotalProcessorTime - start).TotalMicroseconds / count;
    }
}
