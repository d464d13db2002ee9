using System.Diagnostics;
using Microsoft.ML;
using static RnnOnnx.ML.Tests.TestModels;

namespace RnnOnnx.ML.Tests;

/// <summary>
/// With the step model, a new observation costs the same however long the stream's history (the benchmark measures
/// 100 against 10,000 past steps; this test only guards against cost that grows with history, with slack for a busy
/// machine: a re-run of the history would be ~50× slower at 5,000 steps).
/// </summary>
public class StreamingCostTests
{
    [Fact]
    public void A_new_observation_costs_the_same_after_100_or_5000_past_ones()
    {
        var ml = new MLContext(seed: 1);
        var values = Seeded.Floats(1000, 5_400 * Features);
        var observations = Enumerable.Range(0, 5_400).Select(i => new StreamRow { Sensor = "motor", Values = values.AsSpan(i * Features, Features).ToArray() }).ToArray();
        using var transformer = ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(StreamRow.Values), KeyColumnName = nameof(StreamRow.Sensor), ModelBytes = LstmStep,
        }).Fit(ml.Data.LoadFromEnumerable(observations.Take(1)));
        using var engine = ml.Model.CreatePredictionEngine<StreamRow, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        var output = new Scored();

        // Median of 20-call chunks: robust to a busy machine's pauses.
        double Cost(int from)
        {
            var chunks = new List<double>();
            for (int start = from; start < from + 300; start += 20)
            {
                var clock = Stopwatch.StartNew();
                for (int i = start; i < start + 20; i++) engine.Predict(observations[i], ref output);
                chunks.Add(clock.Elapsed.TotalMicroseconds / 20);
            }
            chunks.Sort();
            return chunks[chunks.Count / 2];
        }

        for (int i = 0; i < 100; i++) engine.Predict(observations[i], ref output);
        double early = Cost(100);
        for (int i = 400; i < 5_000; i++) engine.Predict(observations[i], ref output);
        double late = Cost(5_000);
        Assert.True(late < 3 * early + 20, $"{early:F1} µs per observation after 100, {late:F1} µs after 5,000");
    }
}
