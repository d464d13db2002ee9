using RnnOnnx.Data;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

[Collection("Threads")]
public class DeterminismTests
{
    private static float[] TrainedWeights(Func<Sequential> create, SequenceDataset data, int threads, ulong seed = 11)
    {
        int saved = Compute.MaxThreads;
        try
        {
            Compute.MaxThreads = threads;
            var model = create();
            model.Fit(data, new FitOptions { Epochs = 2, BatchSize = 16, Seed = seed, ValidationSplit = 0.25 });
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

    [Fact]
    public void A_different_seed_gives_different_weights()
    {
        var a = TrainedWeights(() => SeedModel.Create(units: 8), Sine(), threads: 2, seed: 1);
        var b = TrainedWeights(() => SeedModel.Create(units: 8), Sine(), threads: 2, seed: 2);
        Assert.False(a.AsSpan().SequenceEqual(b));
    }
}
