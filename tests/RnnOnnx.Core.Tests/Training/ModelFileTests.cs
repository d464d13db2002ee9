using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_layer_type_round_trips_bit_exactly_and_predicts_the_same()
    {
        var model = new Sequential(
            new Embedding(11, 6),
            new Bidirectional(new Lstm(5, returnSequences: true)),
            new Dropout(0.1f),
            new Gru(4, returnSequences: true),
            new SimpleRnn(3, returnSequences: true, activation: Activation.Relu),
            new Dense(11, Activation.Softmax));
        model.Compile(new Adam(), new SoftmaxCrossEntropy());
        var x = TestData.Ids(1, 11, 6, 7);
        model.Fit(x, TestData.Ids(2, 11, 6, 7), new FitOptions { Epochs = 1, BatchSize = 3 });
        string path = Path.Combine(_folder, "m.rnnonnx");

        model.Save(path);
        var loaded = Sequential.Load(path);

        Assert.Equal(model.Layers.Select(l => l.GetType()), loaded.Layers.Select(l => l.GetType()));
        Assert.Equal(model.Layers.Select(l => l.Name), loaded.Layers.Select(l => l.Name));
        var a = model.Parameters;
        var b = loaded.Parameters;
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.True(a[i].Value.AsSpan().SequenceEqual(b[i].Value), $"parameter {i} differs");
        var lengths = new[] { 7, 3, 5, 7, 1, 2 };
        Assert.Equal(model.Predict(x, lengths).Data, loaded.Predict(x, lengths).Data);
        // The softmax output is a distribution even though training fused it into the loss.
        var p = loaded.Predict(x);
        Assert.InRange(p.Data.Take(11).Sum(), 0.9999f, 1.0001f);
    }

    [Fact]
    public void Saving_twice_overwrites_atomically_and_bad_files_are_rejected_by_name()
    {
        var model = new Sequential(new Lstm(3), new Dense(1));
        model.Build(new LayerShape(true, 2));
        string path = Path.Combine(_folder, "m.rnnonnx");
        model.Save(path);
        model.Save(path);
        Assert.Single(Directory.GetFiles(_folder));

        File.WriteAllBytes(Path.Combine(_folder, "junk.bin"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
        var junk = Assert.Throws<ModelFileException>(() => Sequential.Load(Path.Combine(_folder, "junk.bin")));
        Assert.Contains("junk.bin", junk.Message);

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^7]);
        var cut = Assert.Throws<ModelFileException>(() => Sequential.Load(path));
        Assert.Contains("truncated", cut.Message);

        Assert.Throws<ModelFileException>(() => Sequential.Load(Path.Combine(_folder, "missing.rnnonnx")));
    }

    [Fact]
    public void Final_states_continue_a_sequence_exactly_where_it_stopped()
    {
        var model = new Sequential(new Lstm(6, returnSequences: true), new Gru(5, returnSequences: true), new Dense(2));
        var x = TestData.Uniform(3, 1f, 4, 10, 3);
        model.Build(new LayerShape(true, 3), seed: 9);
        var whole = model.Predict(x);

        var first = new Tensor(x.Data.Where((_, i) => i % 30 < 18).ToArray(), 4, 6, 3);
        var second = new Tensor(x.Data.Where((_, i) => i % 30 >= 18).ToArray(), 4, 4, 3);
        model.Predict(first, null, out var states);
        Assert.Equal(3, states.Count); // LSTM h, c; GRU h
        var tail = model.Predict(second, states, out _);
        for (int b = 0; b < 4; b++)
            for (int t = 0; t < 4; t++)
                for (int j = 0; j < 2; j++)
                    Assert.Equal(whole[b, 6 + t, j], tail[b, t, j], 5);
    }
}
