using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Bench.Training;

/// <summary>A named training workload of the speed issue: model, batch shape and loss.</summary>
internal sealed record TrainingConfig(string Name, string Description, int Batch, int Steps, int Features, bool TokenInput, int Classes, Func<Sequential> Create)
{
    public static readonly IReadOnlyList<TrainingConfig> All =
    [
        new("seed", "3×LSTM(50)+Dropout(0.2), Dense(1); B=32, T=10, F=1", 32, 10, 1, false, 0, () => Regression(
            new Lstm(50, true), new Dropout(0.2f), new Lstm(50, true), new Dropout(0.2f), new Lstm(50), new Dropout(0.2f), new Dense(1))),
        new("mid", "LSTM(128), Dense(1) on the last step; B=32, T=50, F=8", 32, 50, 8, false, 0, () => Regression(new Lstm(128), new Dense(1))),
        new("big", "LSTM(512), Dense(1) on the last step; B=64, T=100, F=64", 64, 100, 64, false, 0, () => Regression(new Lstm(512), new Dense(1))),
        new("gru-mid", "GRU(128), Dense(1) on the last step; B=32, T=50, F=8", 32, 50, 8, false, 0, () => Regression(new Gru(128), new Dense(1))),
        new("charlm", "Embedding(96→64), LSTM(256) sequences, Dense(96) softmax CE; B=32, T=100", 32, 100, 1, true, 96, () => Classifier(
            new Embedding(96, 64), new Lstm(256, true), new Dense(96))),
    ];

    private static Sequential Regression(params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Compile(new Adam(), new MeanSquaredError());
        return model;
    }

    private static Sequential Classifier(params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Compile(new Adam(), new SoftmaxCrossEntropy());
        return model;
    }

    /// <summary>The FLOP model: per recurrent layer and direction, per step and sample, forward = 2·G·H·(I+H); training = 3× forward.</summary>
    public static double TrainingFlops(Sequential model, int batch, int steps) =>
        model.RecurrentLayers.Sum(layer =>
        {
            int gates = layer switch { Lstm => 4, Gru => 3, _ => 1 };
            double input = layer.Kernel.Shape[0], hidden = layer.Units;
            return 3.0 * 2.0 * gates * hidden * (input + hidden) * steps * batch;
        });
}
