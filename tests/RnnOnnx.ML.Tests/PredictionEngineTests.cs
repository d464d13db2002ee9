using Microsoft.ML;
using static RnnOnnx.Tests.TestModels;

namespace RnnOnnx.ML.Tests;

/// <summary>PredictionEngine works with the transformer alone and inside an ML.NET pipeline, and agrees with Transform.</summary>
public class PredictionEngineTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Predictions_of_an_engine_equal_the_batched_transform()
    {
        var rows = ApplyRecurrentOnnxModelTests.Windows(20);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull, BatchSize = 8 }).Fit(data);
        var batched = Outputs.Read(transformer.Transform(data), "Output");
        using var engine = _ml.Model.CreatePredictionEngine<WindowRow, Scored>(transformer);
        Outputs.Near(batched, rows.Select(r => engine.Predict(r).Output).ToArray(), 1e-6f);
    }

    [Fact]
    public void An_engine_that_owns_the_transformer_frees_it_and_later_use_says_why()
    {
        var data = _ml.Data.LoadFromEnumerable(ApplyRecurrentOnnxModelTests.Windows(2));
        var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull }).Fit(data);
        using (var shared = _ml.Model.CreatePredictionEngine<WindowRow, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false })) { }
        Assert.Equal(2, Outputs.Read(transformer.Transform(data), "Output").Length);
        using (var owning = _ml.Model.CreatePredictionEngine<WindowRow, Scored>(transformer)) { }
        var e = Assert.Throws<ObjectDisposedException>(() => transformer.Transform(data));
        Assert.Contains("OwnsTransformer = false", e.Message);
    }

    [Fact]
    public void An_engine_runs_a_pipeline_of_MLNET_transforms_around_ours()
    {
        var rows = ApplyRecurrentOnnxModelTests.Windows(12);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var pipeline = _ml.Transforms.NormalizeMinMax("Scaled", "Window")
            .Append(_ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Forecast", InputColumnName = "Scaled", ModelBytes = LstmFull }))
            .Append(_ml.Transforms.Concatenate("Output", "Forecast", "Forecast"));
        using var model = pipeline.Fit(data);
        var batched = Outputs.Read(model.Transform(data), "Output");
        Assert.All(batched, r => Assert.Equal(2 * Width, r.Length));

        using var engine = _ml.Model.CreatePredictionEngine<WindowRow, Scored>(model);
        Outputs.Near(batched, rows.Select(r => engine.Predict(r).Output).ToArray(), 1e-6f);
    }
}
