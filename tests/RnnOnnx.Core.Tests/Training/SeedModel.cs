using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

/// <summary>The seed documents' model, line for line.</summary>
internal static class SeedModel
{
    public static Sequential Create(int units = 50)
    {
        var model = new Sequential(
            new Lstm(units, returnSequences: true),
            new Dropout(0.2f),
            new Lstm(units, returnSequences: true),
            new Dropout(0.2f),
            new Lstm(units),
            new Dropout(0.2f),
            new Dense(1));
        model.Compile(new Adam(), new MeanSquaredError());
        return model;
    }
}
