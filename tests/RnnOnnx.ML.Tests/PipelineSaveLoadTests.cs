using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using static RnnOnnx.Tests.TestModels;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML.Tests;

/// <summary>
/// A fitted pipeline of ML.NET built-ins (normalizer, concatenation, a trained SDCA regressor) and two recurrent
/// transformers saves into one file, and loading it — here or in a new process — gives bit-identical predictions.
/// </summary>
public class PipelineSaveLoadTests
{
    private const int Rows = 40;

    private static LabeledWindowRow[] Data() => ApplyRecurrentOnnxModelTests.Windows(Rows, seed: 77)
        .Select(w => new LabeledWindowRow { Window = w.Window, Label = w.Window.Sum() / 3 }).ToArray();

    private static TransformerChain<RecurrentOnnxTransformer> Fit(MLContext ml, IDataView data) =>
        ml.Transforms.NormalizeMinMax("Scaled", nameof(LabeledWindowRow.Window))
            .Append(ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Forecast", InputColumnName = "Scaled", ModelBytes = LstmFull, BatchSize = 16 }))
            .Append(ml.Transforms.Concatenate("Features", "Forecast", "Scaled"))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: "Label", featureColumnName: "Features", maximumNumberOfIterations: 20))
            .Append(ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "State", InputColumnName = "Scaled", ModelBytes = LstmStep, Output = RecurrentOutputKind.FinalState }))
            .Fit(data);

    /// <summary>Forecast, Score and State of every row, as exact bit patterns, one line per row.</summary>
    private static string[] Predictions(ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        var forecast = scored.Schema["Forecast"];
        var score = scored.Schema["Score"];
        var state = scored.Schema["State"];
        using var cursor = scored.GetRowCursor([forecast, score, state]);
        var getForecast = cursor.GetGetter<VBuffer<float>>(forecast);
        var getScore = cursor.GetGetter<float>(score);
        var getState = cursor.GetGetter<VBuffer<float>>(state);
        VBuffer<float> f = default, s = default;
        float y = 0;
        var lines = new List<string>();
        while (cursor.MoveNext())
        {
            getForecast(ref f);
            getScore(ref y);
            getState(ref s);
            lines.Add(string.Join(' ', f.DenseValues().Append(y).Concat(s.DenseValues()).Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))));
        }
        return [.. lines];
    }

    /// <summary>What the load-check process runs: a new MLContext loads the file and predicts the test data.</summary>
    internal static string[] PredictWithSavedPipeline(string path)
    {
        var ml = new MLContext();
        using var model = ml.Model.LoadRecurrentPipeline(path, out var schema);
        Assert.NotNull(schema.GetColumnOrNull(nameof(LabeledWindowRow.Window)));
        return Predictions(model, ml.Data.LoadFromEnumerable(Data()));
    }

    [Fact]
    public async Task A_mixed_pipeline_round_trips_in_this_process_and_in_a_new_one()
    {
        var ml = new MLContext(seed: 3);
        var data = ml.Data.LoadFromEnumerable(Data());
        string path = Path.Combine(Path.GetTempPath(), $"rnnonnx-pipeline-{Guid.NewGuid():N}.zip");
        string output = path + ".predictions";
        try
        {
            string[] expected;
            using (var model = Fit(ml, data))
            {
                expected = Predictions(model, data);
                ml.Model.SaveRecurrentPipeline(model, data.Schema, path);
            }
            Assert.Equal(Rows, expected.Length);
            Assert.Equal(expected, PredictWithSavedPipeline(path));

            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in new[] { typeof(PipelineSaveLoadTests).Assembly.Location, "load-check", path, output }) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"load-check exited with {process.ExitCode}: {await stderr}{await stdout}");
            Assert.Equal(expected, File.ReadAllLines(output));
        }
        finally
        {
            File.Delete(path);
            File.Delete(output);
        }
    }

    [Fact]
    public void The_file_is_a_zip_of_MLNET_models_ONNX_bytes_and_a_manifest()
    {
        var ml = new MLContext(seed: 3);
        var data = ml.Data.LoadFromEnumerable(Data());
        using var model = Fit(ml, data);
        using var stream = new MemoryStream();
        ml.Model.SaveRecurrentPipeline(model, data.Schema, stream);
        stream.Position = 0;
        using var zip = new System.IO.Compression.ZipArchive(stream);
        Assert.Equal(
            ["input-schema.mlnet.zip", "stage-0.mlnet.zip", "stage-1.onnx", "stage-2.mlnet.zip", "stage-3.onnx", "pipeline.json"],
            zip.Entries.Select(e => e.FullName));
        using var onnx = new MemoryStream();
        using (var entry = zip.GetEntry("stage-1.onnx")!.Open()) entry.CopyTo(onnx);
        Assert.Equal(LstmFull, onnx.ToArray());
        using var manifest = new StreamReader(zip.GetEntry("pipeline.json")!.Open());
        string json = manifest.ReadToEnd();
        Assert.Contains("\"Format\": \"rnnonnx.pipeline\"", json);
        Assert.Contains("\"Output\": \"FinalState\"", json);
    }

    [Fact]
    public void MLNET_own_save_refuses_and_points_to_ours()
    {
        var ml = new MLContext(seed: 3);
        var data = ml.Data.LoadFromEnumerable(Data());
        using var model = Fit(ml, data);
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, data.Schema, new MemoryStream()));
        Assert.Contains("SaveRecurrentPipeline", (e.InnerException ?? e).Message + e.Message);
    }

    [Fact]
    public void Loading_can_move_the_models_to_another_provider_and_says_when_it_cannot()
    {
        var ml = new MLContext(seed: 3);
        var data = ml.Data.LoadFromEnumerable(Data());
        using var stream = new MemoryStream();
        using (var model = Fit(ml, data)) ml.Model.SaveRecurrentPipeline(model, data.Schema, stream);
        stream.Position = 0;
        Assert.Throws<ExecutionProviderUnavailableException>(() => ml.Model.LoadRecurrentPipeline(stream, out _, ExecutionProvider.Cuda()));
    }

    [Fact]
    public void Files_that_are_not_pipelines_are_refused_by_name()
    {
        var ml = new MLContext();
        string path = Path.Combine(Path.GetTempPath(), $"rnnonnx-not-a-pipeline-{Guid.NewGuid():N}.zip");
        try
        {
            File.WriteAllText(path, "hello");
            var e = Assert.Throws<ModelFileException>(() => ml.Model.LoadRecurrentPipeline(path, out _));
            Assert.Contains(path, e.Message);
            Assert.Contains("not an RnnOnnx pipeline file", e.Message);
            Assert.Contains("cannot be read", Assert.Throws<ModelFileException>(() => ml.Model.LoadRecurrentPipeline(path + ".missing", out _)).Message);
        }
        finally { File.Delete(path); }
    }
}

/// <summary>A window with a regression label.</summary>
public sealed class LabeledWindowRow
{
    [VectorType(TestModels.Steps * TestModels.Features)]
    public float[] Window { get; set; } = [];

    public float Label { get; set; }
}
