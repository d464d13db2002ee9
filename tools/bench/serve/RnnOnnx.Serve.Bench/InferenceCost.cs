using System.Diagnostics;
using RnnOnnx.ML.Forecasting;

namespace RnnOnnx.Serve.Bench;

/// <summary>
/// The model's own cost without HTTP: microseconds per forecast one at a time and in batches of 64 — the part of a
/// request that micro-batching can save, against which the HTTP rows are to be read.
/// </summary>
internal static class InferenceCost
{
    public static (double SingleMicroseconds, double BatchedMicroseconds) Measure(string modelFile, double[] history, int rows = 6400)
    {
        using var model = RnnForecastModel.Load(modelFile);
        var input = model.PrepareInput(history);
        var batch = Enumerable.Repeat(input, 64).ToArray();
        for (int i = 0; i < 200; i++) model.ForecastBatch([input]);
        for (int i = 0; i < 20; i++) model.ForecastBatch(batch);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < rows; i++) model.ForecastBatch([input]);
        double single = Stopwatch.GetElapsedTime(start).TotalMicroseconds / rows;
        start = Stopwatch.GetTimestamp();
        for (int i = 0; i < rows / 64; i++) model.ForecastBatch(batch);
        double batched = Stopwatch.GetElapsedTime(start).TotalMicroseconds / rows;
        return (single, batched);
    }
}
