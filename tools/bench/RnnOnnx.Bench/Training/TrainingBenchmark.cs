using System.Diagnostics;
using RnnOnnx.Randomness;
using RnnOnnx.Training;

namespace RnnOnnx.Bench.Training;

/// <summary>Result of one training benchmark: medians over the measured steps.</summary>
internal sealed record TrainingResult(string Config, double MsPerStep, double SeqPerS, double Gflops, double AllocBytesPerStep, double MinMs, double MaxMs);

/// <summary>
/// Times full training steps (forward, loss, backward, optimizer update) on one fixed batch of random data,
/// after warm-up; reports the median step and the managed bytes allocated per step.
/// </summary>
internal static class TrainingBenchmark
{
    public static TrainingResult Run(TrainingConfig config, int warmup, int measured)
    {
        var model = config.Create();
        var rng = new Rng(1);
        var x = Tensor.Zeros(config.TokenInput ? [config.Batch, config.Steps] : [config.Batch, config.Steps, config.Features]);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = config.TokenInput ? rng.NextInt(config.Classes) : 2 * rng.NextSingle() - 1;
        model.EnsureBuilt(x, 1);
        var output = model.OutputShape;
        var y = output.IsSequence
            ? Tensor.Zeros(config.Batch, config.Steps, config.Classes > 0 ? 1 : output.Width)
            : Tensor.Zeros(config.Batch, output.Width);
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = config.Classes > 0 ? rng.NextInt(config.Classes) : 2 * rng.NextSingle() - 1;
        var data = new SequenceDataset(x, y);
        var batch = new BatchAssembler();
        batch.Gather(data, Enumerable.Range(0, config.Batch).ToArray(), model.InputShape, output, model.Loss!.TargetWidth(output.Width));
        var step = new TrainingStep(model);

        // At least `warmup` steps and one second: tiered compilation keeps recompiling hot methods for a while.
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < warmup || clock.Elapsed < TimeSpan.FromSeconds(1); i++) step.Run(batch, rng, 0, i);
        var times = new double[measured];
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < measured; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step.Run(batch, rng, 0, i);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Array.Sort(times);
        double median = times[measured / 2];
        double flops = TrainingConfig.TrainingFlops(model, config.Batch, config.Steps);
        return new TrainingResult(config.Name, median, config.Batch / (median / 1000), flops / (median / 1000) / 1e9,
                                  (double)allocated / measured, times[0], times[^1]);
    }
}
