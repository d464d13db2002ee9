using RnnOnnx.Data;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SequenceDataset Data() => SlidingWindows.Create(SyntheticSeries.NoisySine(260, seed: 4), window: 8);

    private static Sequential Create()
    {
        var model = new Sequential(new Lstm(16, returnSequences: true), new Dropout(0.2f), new Gru(8), new Dense(1));
        model.Compile(new Adam(0.01f) { GlobalClipNorm = 1f, Schedule = new CosineDecay(100, 0.1f, 5) }, new MeanSquaredError());
        return model;
    }

    private static FitOptions Options(int epochs, string? checkpoint = null, string? resume = null, CancellationToken token = default, Action<BatchProgress>? onBatch = null) => new()
    {
        Epochs = epochs, BatchSize = 32, Seed = 5, ValidationSplit = 0.2,
        EarlyStopping = new EarlyStopping(patience: 50), CheckpointPath = checkpoint, ResumeFrom = resume,
        CancellationToken = token, OnBatchEnd = onBatch,
    };

    private static float[] Weights(Sequential model) => model.Parameters.SelectMany(p => p.Value).ToArray();

    [Fact]
    public void Resuming_after_an_epoch_ends_with_the_weights_of_an_uninterrupted_run()
    {
        var straight = Create();
        var full = straight.Fit(Data(), Options(4));

        string path = Path.Combine(_folder, "run.ckpt");
        Create().Fit(Data(), Options(2, checkpoint: path));
        var resumed = Create();
        var rest = resumed.Fit(Data(), Options(4, checkpoint: path, resume: path));

        Assert.True(Weights(straight).AsSpan().SequenceEqual(Weights(resumed)), "resumed weights differ");
        Assert.Equal(full.Loss, rest.Loss);
        Assert.Equal(full.ValidationLoss, rest.ValidationLoss);
    }

    [Fact]
    public void Cancelling_mid_epoch_writes_a_checkpoint_that_resumes_exactly()
    {
        var straight = Create();
        straight.Fit(Data(), Options(3));

        string path = Path.Combine(_folder, "cancel.ckpt");
        using var cts = new CancellationTokenSource();
        int batches = 0;
        var interrupted = Create();
        Assert.Throws<OperationCanceledException>(() =>
            interrupted.Fit(Data(), Options(3, checkpoint: path, token: cts.Token, onBatch: _ => { if (++batches == 9) cts.Cancel(); })));
        Assert.True(File.Exists(path));

        var resumed = Create();
        resumed.Fit(Data(), Options(3, checkpoint: path, resume: path));
        Assert.True(Weights(straight).AsSpan().SequenceEqual(Weights(resumed)), "weights after a mid-epoch resume differ");
    }

    [Theory]
    [InlineData(1)]  // cancelled at the very first batch: nothing is known yet (best loss +∞)
    [InlineData(7)]  // cancelled after the last batch of epoch 1, before epoch 2's first: its order is drawn
    public void Cancelling_at_an_epoch_start_without_early_stopping_resumes_exactly(int cancelAtBatch)
    {
        FitOptions Plain(int epochs, string? checkpoint = null, string? resume = null, CancellationToken token = default, Action<BatchProgress>? onBatch = null) => new()
        {
            Epochs = epochs, BatchSize = 32, Seed = 5, ValidationSplit = 0.2, CheckpointPath = checkpoint, ResumeFrom = resume,
            CancellationToken = token, OnBatchEnd = onBatch,
        };
        var straight = Create();
        straight.Fit(Data(), Plain(3));

        string path = Path.Combine(_folder, $"start{cancelAtBatch}.ckpt");
        using var cts = new CancellationTokenSource();
        int batches = 0;
        Assert.Throws<OperationCanceledException>(() =>
            Create().Fit(Data(), Plain(3, checkpoint: path, token: cts.Token, onBatch: _ => { if (++batches == cancelAtBatch) cts.Cancel(); })));
        var resumed = Create();
        resumed.Fit(Data(), Plain(3, checkpoint: path, resume: path));
        Assert.True(Weights(straight).AsSpan().SequenceEqual(Weights(resumed)), "weights after resuming differ");
    }

    [Fact]
    public void A_checkpoint_from_another_model_is_refused_with_a_clear_error()
    {
        string path = Path.Combine(_folder, "other.ckpt");
        Create().Fit(Data(), Options(1, checkpoint: path));
        var other = new Sequential(new Lstm(12), new Dense(1));
        other.Compile(new Adam(0.01f) { GlobalClipNorm = 1f, Schedule = new CosineDecay(100, 0.1f, 5) }, new MeanSquaredError());
        var error = Assert.Throws<ModelFileException>(() => other.Fit(Data(), Options(2, resume: path)));
        Assert.Contains("architecture", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_and_no_temp_files_are_left()
    {
        string path = Path.Combine(_folder, "cut.ckpt");
        Create().Fit(Data(), Options(1, checkpoint: path));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Throws<ModelFileException>(() => Create().Fit(Data(), Options(2, resume: path)));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_checkpoint_of_another_format_version_is_named_as_such()
    {
        string path = Path.Combine(_folder, "old.ckpt");
        Create().Fit(Data(), Options(1, checkpoint: path));
        var bytes = File.ReadAllBytes(path);
        int slash = Array.IndexOf(bytes, (byte)'/');
        bytes[slash + 1] = (byte)'1'; // what a checkpoint of the previous format starts with
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ModelFileException>(() => Create().Fit(Data(), Options(2, resume: path)));
        Assert.Contains("another format version", error.Message, StringComparison.Ordinal);
    }
}
