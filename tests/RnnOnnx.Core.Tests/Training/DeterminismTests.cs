using RnnOnnx.Data;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

[Collection("Threads")]
public class DeterminismTests
{
    private static float[] TrainedWeights(Func<Sequential> create, SequenceDataset data, int threads, ulong seed = 11, int batchSize = 16)
    {
        int saved = Compute.MaxThreads;
        try
        {
            Compute.MaxThreads = threads;
            var model = create();
            model.Fit(data, new FitOptions { Epochs = 2, BatchSize = batchSize, Seed = seed, ValidationSplit = 0.25 });
            return model.Parameters.SelectMany(p => p.Value).ToArray();
        }
        finally { Compute.MaxThreads = saved; }
    }

    private static SequenceDataset Sine() => SlidingWindows.Create(SyntheticSeries.NoisySine(300, seed: 1), window: 12);

    [Fact]
    public void Seed_model_weights_are_bit_identical_with_one_or_two_threads()
    {
        var one = TrainedWeights(() => SeedModel.Create(units: 64), Sine(), threads: 1);
        var two = TrainedWeights(() => SeedModel.Create(units: 64), Sine(), threads: 2);
        Assert.Equal(one.Length, two.Length);
        Assert.True(one.AsSpan().SequenceEqual(two), "weights differ between 1 and 2 threads");
    }

    [Fact]
    public void Bidirectional_gru_with_masks_is_bit_identical_with_one_or_two_threads()
    {
        var x = TestData.Uniform(1, 1f, 64, 20, 3);
        var y = TestData.Uniform(2, 1f, 64, 20, 2);
        var lengths = Enumerable.Range(0, 64).Select(i => 1 + i % 20).ToArray();
        var data = new SequenceDataset(x, y, lengths);
        Sequential Create()
        {
            var model = new Sequential(new Bidirectional(new Gru(48, returnSequences: true)), new SimpleRnn(40, returnSequences: true), new Dense(2));
            model.Compile(new RmsProp(), new Huber());
            return model;
        }
        Assert.True(TrainedWeights(Create, data, 1).AsSpan().SequenceEqual(TrainedWeights(Create, data, 2)));
    }

    /// <summary>
    /// Batches of 40 rows (and a shorter last one) cut the time loop into more blocks than threads, of unequal size
    /// (whole 8-row tiles), claimed by whichever thread is free: the weights must not depend on who ran what.
    /// </summary>
    [Fact]
    public void Lstm_time_loop_cut_into_more_blocks_than_threads_is_bit_identical_with_one_two_or_three_threads()
    {
        var data = SlidingWindows.Create(SyntheticSeries.NoisySine(300, seed: 3), window: 12);
        Sequential Create()
        {
            var model = new Sequential(new Lstm(48, returnSequences: true), new Lstm(32), new Dense(1));
            model.Compile(new Adam(0.01f), new MeanSquaredError());
            return model;
        }
        var one = TrainedWeights(Create, data, 1, batchSize: 40);
        Assert.True(one.AsSpan().SequenceEqual(TrainedWeights(Create, data, 2, batchSize: 40)), "weights differ between 1 and 2 threads");
        Assert.True(one.AsSpan().SequenceEqual(TrainedWeights(Create, data, 3, batchSize: 40)), "weights differ between 1 and 3 threads");
    }

    [Fact]
    public void A_different_seed_gives_different_weights()
    {
        var a = TrainedWeights(() => SeedModel.Create(units: 8), Sine(), threads: 2, seed: 1);
        var b = TrainedWeights(() => SeedModel.Create(units: 8), Sine(), threads: 2, seed: 2);
        Assert.False(a.AsSpan().SequenceEqual(b));
    }
}

/// <summary>More threads than a split has claim slots: the work is cut into at most that many parts, none dropped.</summary>
[Collection("Threads")]
public class ManyThreadsTests
{
    [Fact]
    public void Lstm_with_more_threads_than_split_slots_trains_like_one_thread()
    {
        // Batch 1024 of LSTM(16): the time loop asks for 2 blocks per thread, the update splits by thread.
        var x = TestData.Uniform(5, 1f, 1024, 6, 2);
        var y = TestData.Uniform(6, 1f, 1024, 1);
        var data = new SequenceDataset(x, y);
        float[] Train(int threads)
        {
            int saved = Compute.MaxThreads;
            try
            {
                Compute.MaxThreads = threads;
                var model = new Sequential(new Lstm(16), new Dense(1));
                model.Compile(new Adam(0.01f), new MeanSquaredError());
                model.Fit(data, new FitOptions { Epochs = 1, BatchSize = 1024, Seed = 4 });
                return model.Parameters.SelectMany(p => p.Value).ToArray();
            }
            finally { Compute.MaxThreads = saved; }
        }
        var one = Train(1);
        foreach (int threads in new[] { 40, 65 })
            Assert.True(one.AsSpan().SequenceEqual(Train(threads)), $"weights differ between 1 and {threads} threads");
    }

    [Fact]
    public void A_split_of_more_parts_than_slots_is_refused_rather_than_cut_short()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RnnOnnx.Kernels.WorkSplitter.Run(RnnOnnx.Kernels.WorkSplitter.MaxParts + 1, _ => { }));
    }
}
