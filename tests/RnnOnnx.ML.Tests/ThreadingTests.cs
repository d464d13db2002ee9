using Microsoft.ML;
using static RnnOnnx.Tests.TestModels;

namespace RnnOnnx.ML.Tests;

/// <summary>One transformer (one session) used by many threads at once gives exactly what one thread gets.</summary>
public class ThreadingTests
{
    private readonly MLContext _ml = new(seed: 1);

    // Engines share the transformer, so they must not dispose it (ML.NET's default is that they do).
    private static readonly PredictionEngineOptions Shared = new() { OwnsTransformer = false };

    [Fact]
    public void Many_threads_transforming_and_predicting_at_once_get_the_answers_of_one()
    {
        var rows = ApplyRecurrentOnnxModelTests.Windows(300);
        var (streams, _, _) = StreamStateTests.Streams(singleSteps: true);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var streamData = _ml.Data.LoadFromEnumerable(streams);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull, BatchSize = 32,
        }).Fit(data);
        using var streaming = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(StreamRow.Values), KeyColumnName = nameof(StreamRow.Sensor), ModelBytes = LstmStep, BatchSize = 8,
        }).Fit(streamData);

        var batched = Outputs.Read(transformer.Transform(data), "Output");
        var streamed = Outputs.Read(streaming.Transform(streamData), "Output");
        float[][] Engine(ITransformer t, IEnumerable<WindowRow> input)
        {
            using var engine = _ml.Model.CreatePredictionEngine<WindowRow, Scored>(t, Shared);
            return input.Select(r => engine.Predict(r).Output).ToArray();
        }
        float[][] StreamEngine(ITransformer t)
        {
            using var engine = _ml.Model.CreatePredictionEngine<StreamRow, Scored>(t, Shared);
            return streams.Select(r => engine.Predict(r).Output).ToArray();
        }
        var predicted = Engine(transformer, rows);
        var streamPredicted = StreamEngine(streaming);

        const int Threads = 6;
        using var start = new Barrier(Threads);
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var workers = Enumerable.Range(0, Threads).Select(k => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int round = 0; round < 3; round++)
                {
                    switch ((k + round) % 4)
                    {
                        case 0: Outputs.Identical(batched, Outputs.Read(transformer.Transform(data), "Output")); break;
                        case 1: Outputs.Identical(predicted, Engine(transformer, rows)); break;
                        case 2: Outputs.Identical(streamed, Outputs.Read(streaming.Transform(streamData), "Output")); break;
                        default: Outputs.Identical(streamPredicted, StreamEngine(streaming)); break;
                    }
                }
            }
            catch (Exception e) { failures.Add(e); }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(failures);
    }
}
