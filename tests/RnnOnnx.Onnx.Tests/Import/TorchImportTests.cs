using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Tests;
using RnnOnnx.Training;
using Xunit.Abstractions;

namespace RnnOnnx.Onnx.Tests.Import;

/// <summary>
/// Models made by torch.onnx.export (nn.LSTM/GRU/RNN, stacked, bidirectional, batch_first or not, Linear heads on
/// the sequence, its last step or the final states) import into trainer models that compute what PyTorch computed.
/// </summary>
[Collection(TorchModelsGroup.Name)]
public sealed class TorchImportTests(TorchModels models, ITestOutputHelper output)
{
    private const float Tolerance = 1e-5f;

    public static TheoryData<string> Supported() => new(TorchModels.Supported);

    [Fact]
    public void The_script_makes_exactly_the_models_the_tests_know()
    {
        Assert.Equal(TorchModels.Supported.Concat(TorchModels.Unsupported).Order(), models.Names.Order());
    }

    [Theory]
    [MemberData(nameof(Supported))]
    public void Onnx_runtime_runs_the_original_like_torch(string name)
    {
        var c = models.Load(name);
        var ort = OrtRunner.Run(c.Onnx, c.Feed());
        float diff = ImportChecks.MaxAbsDiffFlat(c.Output, ort["output"]);
        Assert.True(diff <= Tolerance, $"{name}: ORT vs torch {diff:G3}");
    }

    [Theory]
    [MemberData(nameof(Supported))]
    public void Imported_model_predicts_what_torch_computed(string name)
    {
        var c = models.Load(name);

        var imported = OnnxImporter.Read(c.Onnx);

        Assert.Equal(!c.BatchFirst, imported.InputIsTimeMajor);
        Assert.Equal("input", imported.InputName);
        Assert.Equal("output", imported.OutputName);
        float diff = ImportChecks.MaxAbsDiffFlat(c.Output, PredictLikeOnnx(imported, c.Input));
        output.WriteLine($"{name}: max |trainer − torch| = {diff:G3}");
        Assert.True(diff <= Tolerance, $"{name}: trainer vs torch {diff:G3}");
    }

    [Theory]
    [MemberData(nameof(Supported))]
    public void Reexported_model_runs_in_onnx_runtime_like_torch(string name)
    {
        var c = models.Load(name);
        var imported = OnnxImporter.Read(c.Onnx);

        var bytes = OnnxExporter.Export(imported.Model);

        var x = imported.InputIsTimeMajor ? ImportChecks.SwapFirstAxes(c.Input) : c.Input;
        var y = OrtRunner.Run(bytes, new() { [OnnxExporter.InputName] = c.Ids ? OrtRunner.Ids(x) : x })[OnnxExporter.OutputName];
        if (imported.OutputIsTimeMajor) y = ImportChecks.SwapFirstAxes(y);
        float diff = ImportChecks.MaxAbsDiffFlat(c.Output, y);
        Assert.True(diff <= Tolerance, $"{name}: re-exported ORT vs torch {diff:G3}");
    }

    [Theory]
    [InlineData("lstm-full")]
    [InlineData("lstm-last-timemajor")]
    [InlineData("lstm-bi-hn")]
    [InlineData("gru-last")]
    [InlineData("rnn-relu-full-sigmoid")]
    public void Fine_tuning_an_imported_model_lowers_its_loss(string name)
    {
        var model = OnnxImporter.Import(models.Load(name).Onnx);
        var (x, y) = RegressionTask(model, samples: 64, steps: 6);
        model.Compile(new Adam(0.01f), new MeanSquaredError());
        var data = new SequenceDataset(x, y);
        double before = model.Evaluate(data);

        model.Fit(data, new FitOptions { Epochs = 8, BatchSize = 16, Seed = 1 });

        double after = model.Evaluate(data);
        output.WriteLine($"{name}: loss {before:G4} → {after:G4}");
        Assert.True(after < 0.8 * before, $"{name}: loss {before:G4} → {after:G4}");
    }

    [Fact]
    public void Last_step_of_a_bidirectional_layer_is_refused_naming_the_nodes()
    {
        var c = models.Load("lstm-bi-last");

        var e = Assert.Throws<UnsupportedOnnxModelException>(() => OnnxImporter.Import(c.Onnx));

        Assert.Equal("/fc/Gemm", e.NodeName);
        Assert.Equal("Gemm", e.OperatorType);
        Assert.Contains("last time step of the bidirectional", e.Message, StringComparison.Ordinal);
        Assert.Contains("'/Gather'", e.Message, StringComparison.Ordinal);
        Assert.Contains("h_n", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The trainer's prediction laid out as the ONNX graph's output (time-major when the graph is).</summary>
    internal static Tensor PredictLikeOnnx(ImportedOnnxModel imported, Tensor input)
    {
        var x = imported.InputIsTimeMajor ? ImportChecks.SwapFirstAxes(input) : input;
        var y = imported.Model.Predict(x);
        return imported.OutputIsTimeMajor ? ImportChecks.SwapFirstAxes(y) : y;
    }

    /// <summary>Targets a small recurrent model can learn: a damped running mean of the first features.</summary>
    private static (Tensor X, Tensor Y) RegressionTask(Sequential model, int samples, int steps)
    {
        int features = model.InputShape.Width, width = model.OutputShape.Width;
        var x = TestData.Uniform(7, 1f, samples, steps, features);
        bool sequences = model.OutputShape.IsSequence;
        var y = sequences ? Tensor.Zeros(samples, steps, width) : Tensor.Zeros(samples, width);
        for (int n = 0; n < samples; n++)
            for (int j = 0; j < width; j++)
            {
                float mean = 0;
                for (int t = 0; t < steps; t++)
                {
                    mean = 0.7f * mean + 0.3f * x[n, t, j % features];
                    if (sequences) y[n, t, j] = 0.5f + mean;
                }
                if (!sequences) y[n, j] = 0.5f + mean;
            }
        return (x, y);
    }
}
