using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

/// <summary>Each update rule against its formula on a one-weight problem, and the training-loop features.</summary>
public class OptimizerTests
{
    /// <summary>Loss (w·1 + b − 0)² on one sample, w = 1 and b = 0 at the start: both get gradient 2(w + b).</summary>
    private static List<float> Trajectory(Optimizer optimizer, int steps)
    {
        var model = new Sequential(new Dense(1));
        model.Build(new LayerShape(false, 1));
        model.Layers[0].Parameters[0].Value[0] = 1f;
        model.Compile(optimizer, new MeanSquaredError());
        var w = new List<float>();
        for (int i = 0; i < steps; i++)
        {
            model.Fit(new Tensor([1f], 1, 1), new Tensor([0f], 1, 1), new FitOptions { Epochs = 1, BatchSize = 1, Shuffle = false });
            w.Add(model.Layers[0].Parameters[0].Value[0]);
        }
        return w;
    }

    [Fact]
    public void Sgd_plain_momentum_and_nesterov_follow_their_formulas()
    {
        Assert.Equal(1f - 0.1f * 2f, Trajectory(new Sgd(0.1f), 1)[0], 6);
        // m1 = g1 = 2 → w1 = 0.8, b1 = −0.2; g2 = 2(0.8 − 0.2) = 1.2, m2 = 0.9·2 + 1.2 = 3 → w2 = 0.8 − 0.3 = 0.5
        Assert.Equal(0.5f, Trajectory(new Sgd(0.1f, momentum: 0.9f), 2)[1], 5);
        // Nesterov: w1 = 1 − 0.1·(2 + 0.9·2) = 0.62
        Assert.Equal(0.62f, Trajectory(new Sgd(0.1f, momentum: 0.9f, nesterov: true), 1)[0], 5);
    }

    [Fact]
    public void Adam_first_step_moves_by_the_learning_rate_and_adamw_also_decays()
    {
        Assert.Equal(1f - 0.01f, Trajectory(new Adam(0.01f), 1)[0], 5);
        Assert.Equal(1f * (1f - 0.01f * 0.1f) - 0.01f, Trajectory(new AdamW(0.01f, weightDecay: 0.1f), 1)[0], 5);
    }

    [Fact]
    public void RmsProp_first_step_follows_its_formula()
    {
        // s = 0.1·4 = 0.4; w = 1 − 0.01·2/√0.4
        Assert.Equal(1f - 0.01f * 2f / MathF.Sqrt(0.4f), Trajectory(new RmsProp(0.01f), 1)[0], 5);
    }

    [Fact]
    public void Global_norm_clipping_bounds_the_step()
    {
        // (g_w, g_b) = (2, 2), norm √8, clipped to 0.5 → w = 1 − 0.1·2·0.5/√8
        Assert.Equal(1f - 0.1f * 2f * 0.5f / MathF.Sqrt(8f), Trajectory(new Sgd(0.1f) { GlobalClipNorm = 0.5f }, 1)[0], 6);
    }

    [Fact]
    public void Schedules_give_the_documented_rates()
    {
        Assert.Equal(0.5f, new ExponentialDecay(0.5f, 10).RateAt(1f, 10), 6);
        var cosine = new CosineDecay(decaySteps: 100, alpha: 0.1f, warmupSteps: 10);
        Assert.Equal(0.1f, cosine.RateAt(1f, 0), 6);
        Assert.Equal(1f, cosine.RateAt(1f, 10), 6);
        Assert.Equal(0.55f, cosine.RateAt(1f, 60), 5);
        Assert.Equal(0.1f, cosine.RateAt(1f, 500), 6);
    }

    [Fact]
    public void Early_stopping_stops_and_restores_the_best_weights()
    {
        var x = TestData.Uniform(1, 1f, 40, 3);
        var y = TestData.Uniform(2, 1f, 40, 1); // noise: validation loss cannot keep improving
        var model = new Sequential(new Dense(32, Activation.Tanh), new Dense(1));
        model.Compile(new Adam(0.05f), new MeanSquaredError());
        var history = model.Fit(x, y, new FitOptions
        {
            Epochs = 200, BatchSize = 8, ValidationSplit = 0.25, Seed = 3,
            EarlyStopping = new EarlyStopping(patience: 3),
        });
        Assert.True(history.StoppedEarly);
        Assert.True(history.Loss.Count < 200);
        Assert.Equal(history.ValidationLoss.Min(), history.ValidationLoss[history.BestEpoch - 1]);
        Assert.Equal(history.BestEpoch + 3 + 1, history.Loss.Count);
        double restored = model.Evaluate(new SequenceDataset(x, y).Slice(30, 10), batchSize: 32);
        Assert.Equal(history.ValidationLoss[history.BestEpoch - 1], restored, 6);
    }

    [Fact]
    public void Progress_callbacks_report_every_batch_and_epoch()
    {
        var batches = new List<BatchProgress>();
        var epochs = new List<EpochProgress>();
        var model = new Sequential(new Gru(3), new Dense(1));
        model.Compile(new Adam(), new MeanAbsoluteError());
        model.Fit(TestData.Uniform(1, 1f, 10, 4, 2), TestData.Uniform(2, 1f, 10, 1),
            new FitOptions { Epochs = 2, BatchSize = 4, OnBatchEnd = batches.Add, OnEpochEnd = epochs.Add });
        Assert.Equal(6, batches.Count);
        Assert.All(batches, b => Assert.Equal(3, b.Batches));
        Assert.Equal([1, 2], epochs.Select(e => e.Epoch));
        Assert.All(epochs, e => Assert.Null(e.ValidationLoss));
    }
}

/// <summary>Updates large enough to be split across threads give the same bits with any thread count.</summary>
[Collection("Threads")]
public class OptimizerThreadTests
{
    public static TheoryData<string> Rules() => ["sgd", "adam", "adamw", "rmsprop"];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Split_updates_are_bit_identical_to_one_thread(string rule)
    {
        float[] OneThreadCount(int threads)
        {
            // 40,005 weights (over the split threshold, not a multiple of 16) in a kernel and a bias.
            var model = new Sequential(new Dense(7));
            model.Build(new LayerShape(false, 5714));
            Optimizer optimizer = rule switch
            {
                "sgd" => new Sgd(0.05f, momentum: 0.9f, nesterov: true),
                "adam" => new Adam(0.01f),
                "adamw" => new AdamW(0.01f, weightDecay: 0.1f),
                _ => new RmsProp(0.01f, momentum: 0.5f),
            };
            model.Compile(optimizer, new MeanSquaredError());
            var rng = new Randomness.Rng(3);
            var x = Tensor.Zeros(16, 5714);
            var y = Tensor.Zeros(16, 7);
            for (int i = 0; i < x.Data.Length; i++) x.Data[i] = rng.NextSingle() - 0.5f;
            for (int i = 0; i < y.Data.Length; i++) y.Data[i] = rng.NextSingle();
            int saved = Compute.MaxThreads;
            try
            {
                Compute.MaxThreads = threads;
                model.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 8, Shuffle = false });
            }
            finally { Compute.MaxThreads = saved; }
            return [.. model.Layers[0].Parameters.SelectMany(p => p.Value)];
        }

        var serial = OneThreadCount(1);
        var split = OneThreadCount(2);
        Assert.Equal(40_005, serial.Length);
        Assert.Equal(serial.Select(BitConverter.SingleToInt32Bits), split.Select(BitConverter.SingleToInt32Bits));
    }
}
