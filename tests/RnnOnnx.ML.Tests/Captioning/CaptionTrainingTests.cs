using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Captioning;
using RnnOnnx.ML.Captioning;
using RnnOnnx.Training;

namespace RnnOnnx.ML.Tests.Captioning;

/// <summary>TrainCaptioner end to end on a tiny model: ML.NET columns in, native training, two ONNX files out, captions from the pipeline.</summary>
public sealed class CaptionTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-captrain-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class Row
    {
        [VectorType(3, 64, 64)]
        public float[] Pixels { get; set; } = [];

        public string Text { get; set; } = "";
    }

    private static readonly CaptionTrainingOptions Tiny = new() { Filters = [4, 4, 4], FeatureUnits = 16, EmbeddingSize = 8, Units = 16, Epochs = 2, BatchSize = 16, Seed = 3 };

    [Fact]
    public void A_captioner_trains_from_columns_exports_two_files_and_captions_the_rows()
    {
        var ml = new MLContext(seed: 0);
        var generator = new SceneGenerator(5);
        var scenes = Enumerable.Range(0, 96).Select(_ => generator.NextScene()).ToList();
        var data = ml.Data.LoadFromEnumerable(scenes.Select(s => new Row { Pixels = s.ToPixels(), Text = s.Caption }).ToList());
        string path = Path.Combine(_folder, "tiny.onnx");
        var losses = new List<double>();
        var estimator = ml.Transforms.TrainCaptioner(new GenerateCaptionOptions { ModelPath = path }, training: Tiny, progress: new EpochLosses(losses));
        using var transformer = estimator.Fit(data);
        Assert.True(File.Exists(path) && File.Exists(Path.Combine(_folder, "tiny.encoder.onnx")));
        Assert.Equal(2, losses.Count);
        Assert.True(losses[1] < losses[0], $"loss {losses[0]:F3} → {losses[1]:F3}");
        var captions = transformer.Transform(data).GetColumn<string>("Caption").ToList();
        Assert.Equal(96, captions.Count);
        var words = transformer.Model.Vocabulary.Words.ToHashSet();
        Assert.All(captions, c => Assert.All(CaptionVocabulary.Split(c), w => Assert.Contains(w, words)));

        // The trainer's own forward pass and ONNX Runtime agree on the first word's distribution.
        var first = scenes.Take(4).Select(s => s.ToPixels()).ToList();
        var expected = estimator.LastTraining!.Model;
        var hwc = Tensor.Zeros(4, 64, 64, 3);
        for (int i = 0; i < 4; i++) ImageLayout.ChannelsFirstToLast(first[i], hwc.Data.AsSpan(i * 12288, 12288), 3, 64, 64);
        var probabilities = expected.Predict(hwc, new Tensor(Enumerable.Repeat((float)CaptionVocabulary.BeginId, 4).ToArray(), 4, 1));
        var greedy = transformer.Model.Caption(first, new CaptionOptions { MaxLength = 1 });
        for (int i = 0; i < 4; i++)
        {
            var row = probabilities.Data.AsSpan(i * transformer.Model.Vocabulary.Count, transformer.Model.Vocabulary.Count).ToArray();
            int best = Enumerable.Range(0, row.Length).Where(t => t > CaptionVocabulary.BeginId).MaxBy(t => row[t]);
            Assert.Equal(best == CaptionVocabulary.EndId ? "" : transformer.Model.Vocabulary.Words[best], greedy[i]);
        }
    }

    [Fact]
    public void Training_refuses_mismatched_data_naming_the_problem()
    {
        var images = new List<float[]> { new float[12288], new float[100] };
        Assert.Contains("Image 1 has 100 values", Assert.Throws<DataException>(() => CaptionTrainer.Train(new CaptionTrainingData(images, ["a red circle", "a blue square"]), Tiny)).Message, StringComparison.Ordinal);
        Assert.Contains("2 images but 1 captions", Assert.Throws<DataException>(() => CaptionTrainer.Train(new CaptionTrainingData(images, ["a red circle"]), Tiny)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CaptionTrainer.Train(new CaptionTrainingData(images, ["a", "b"]), Tiny with { Filters = [4, 4, 4, 4, 4, 4, 4] }));
    }
}
