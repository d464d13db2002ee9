using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Layers;
using RnnOnnx.Captioning;
using RnnOnnx.ML.Captioning;
using RnnOnnx.Onnx;
using RnnOnnx.Training;

namespace RnnOnnx.ML.Tests.Captioning;

/// <summary>
/// The pluggable encoder: features from another ONNX image model, run by ML.NET's own ApplyOnnxModel, feed a captioner
/// whose dense encoder and decoder train on them.
/// </summary>
public sealed class FeatureEncoderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-features-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class Row
    {
        [VectorType(3, 64, 64)]
        [ColumnName("input")]
        public float[] Pixels { get; set; } = [];

        public string Text { get; set; } = "";
    }

    /// <summary>A stand-in for a pretrained image model: a fixed random CNN exported as ONNX, [batch, 3, 64, 64] → [batch, 64].</summary>
    private string ImageModel()
    {
        var cnn = new Sequential(new Rescaling(-1 / 255f, 1f), new Conv2D(8, 3, Activation.Relu, Padding.Same), new MaxPool2D(8), new Flatten(), new Dense(64, Activation.Relu));
        cnn.Build(LayerShape.ForImage(new ImageShape(64, 64, 3)), seed: 4);
        string path = Path.Combine(_folder, "features.onnx");
        OnnxExporter.Export(cnn, path);
        return path;
    }

    [Fact]
    public void A_captioner_trains_on_ApplyOnnxModel_features_and_captions_them()
    {
        var ml = new MLContext(seed: 0);
        var generator = new SceneGenerator(12);
        var scenes = Enumerable.Range(0, 128).Select(_ => generator.NextScene()).ToList();
        var data = ml.Data.LoadFromEnumerable(scenes.Select(s => new Row { Pixels = s.ToPixels(), Text = s.Caption }).ToList());
        string captioner = Path.Combine(_folder, "captioner.onnx");
        var losses = new List<double>();
        var pipeline = ml.Transforms.ApplyOnnxModel("output", "input", ImageModel())
            .Append(ml.Transforms.TrainCaptioner(new GenerateCaptionOptions { ModelPath = captioner, InputColumnName = "output" },
                training: new CaptionTrainingOptions { Encoder = CaptionEncoder.Features, FeatureUnits = 32, EmbeddingSize = 8, Units = 32, Epochs = 3, BatchSize = 16, LearningRate = 0.01f },
                progress: new EpochLosses(losses)));
        var model = pipeline.Fit(data);
        try
        {
            Assert.Equal(3, losses.Count);
            Assert.True(losses[^1] < losses[0], $"loss {losses[0]:F3} → {losses[^1]:F3}");
            var captions = model.Transform(data).GetColumn<string>("Caption").ToList();
            Assert.Equal(scenes.Count, captions.Count);
            Assert.All(captions, c => Assert.StartsWith("a ", c, StringComparison.Ordinal));

            using var loaded = CaptionModel.Load(captioner);
            Assert.Equal(CaptionEncoder.Features, loaded.Encoder);
            Assert.Equal(64, loaded.InputLength);
            Assert.Contains("captions image features", Assert.Throws<ModelFileException>(() => new ImageCaptioner(captioner)).Message, StringComparison.Ordinal);
        }
        finally
        {
            (model.LastTransformer as IDisposable)?.Dispose();
        }
    }
}
