using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Forecasting;
using RnnOnnx.Text;
using RnnOnnx.Onnx;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Server.Tests.Support;

/// <summary>
/// A models folder made once for all server tests: a small forecaster (air), a small character model (chars), the
/// shipped captioner (captioner + captioner.encoder), a caption-task file that is no captioner (badcaption), a plain
/// sequence model (plain) and a broken file (junk).
/// </summary>
public sealed class ModelFolder : IDisposable
{
    public ModelFolder()
    {
        Path = Directory.CreateTempSubdirectory("rnnonnx-serve-").FullName;
        var options = new RnnForecastOptions { Horizon = 6, Seasons = [12], Units = 8, Epochs = 10, EnsembleSize = 1, Seed = 7, MaxWindowsPerSeries = 40 };
        using (var trained = RnnForecastTrainer.Train([new ForecastSeries(Series(120))], options))
            trained.Save(File("air"));
        Forecaster = RnnForecastModel.Load(File("air"));

        string text = string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 10));
        Vocabulary = CharVocabulary.Build(text);
        var chars = new Sequential(new Embedding(Vocabulary.Count, 4), new Lstm(8, returnSequences: true), new Dense(Vocabulary.Count));
        chars.Compile(new Adam(0.02f), new SoftmaxCrossEntropy());
        chars.Fit(TextWindows.Create(Vocabulary.Encode(text), window: 8), new FitOptions { Epochs = 2, BatchSize = 8, Seed = 3 });
        OnnxExporter.Export(chars, File("chars"), new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = ModelTask.Generate, Config = Vocabulary.ToConfigJson() });
        OnnxExporter.Export(chars, File("badcaption"), new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = ModelTask.Caption });
        foreach (string half in new[] { "captioner.onnx", "captioner.encoder.onnx" })
            System.IO.File.Copy(RnnOnnx.Tests.Repository.File("models", "caption", half), System.IO.Path.Combine(Path, half));
        OnnxExporter.Export(chars, File("plain"), new OnnxExportOptions { Task = ModelTask.Sequence });
        System.IO.File.WriteAllBytes(File("junk"), [1, 2, 3, 4, 5]);
    }

    public string Path { get; }

    /// <summary>The served forecaster, loaded apart: what the server's answers must equal.</summary>
    public RnnForecastModel Forecaster { get; }

    public CharVocabulary Vocabulary { get; }

    public string File(string model) => System.IO.Path.Combine(Path, model + ".onnx");

    /// <summary>A trending seasonal series (period 12), all positive.</summary>
    public static double[] Series(int n, int seed = 1, double level = 100)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(t => level + 0.8 * t + 15 * Math.Sin(2 * Math.PI * t / 12) + rng.NextDouble() * 3).ToArray();
    }


    public void Dispose()
    {
        Forecaster.Dispose();
        Directory.Delete(Path, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SharedModelFolder : ICollectionFixture<ModelFolder>
{
    public const string Name = "server";

}
