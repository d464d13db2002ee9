using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Captioning;
using RnnOnnx.ML.Captioning;

namespace RnnOnnx.ML.Tests.Captioning;

/// <summary>
/// The shipped captioner (models/caption) on scenes it never saw, through ML.NET's image pipeline from PNG files:
/// the accuracy the issue asks for, and what happens to images that cannot be used.
/// </summary>
public sealed class ShippedCaptionerTests : IDisposable
{
    private static readonly string Model = Repository.File("models", "caption");
    private const ulong FreshSeed = 424242; // never a training seed (training scenes use seed 1)
    private readonly MLContext _ml = new(seed: 0);
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-caption-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class ImageFile
    {
        public string Path { get; set; } = "";
    }

    private List<ShapeScene> WriteScenes(int count, SceneRendering rendering, string prefix = "scene")
    {
        var generator = new SceneGenerator(FreshSeed, rendering);
        var scenes = Enumerable.Range(0, count).Select(_ => generator.NextScene()).ToList();
        for (int i = 0; i < count; i++) File.WriteAllBytes(System.IO.Path.Combine(_folder, $"{prefix}_{i:D4}.png"), scenes[i].ToPng());
        return scenes;
    }

    private EstimatorChain<CaptionTransformer> Pipeline(int beam = 1, int batch = 64) =>
        _ml.Transforms.LoadImages("Image", _folder, nameof(ImageFile.Path))
            .Append(_ml.Transforms.ResizeImages("Image", 64, 64))
            .Append(_ml.Transforms.ExtractPixels("Pixels", "Image"))
            .Append(_ml.Transforms.GenerateCaption(new GenerateCaptionOptions { ModelPath = Model, Search = new CaptionOptions { BeamWidth = beam }, BatchSize = batch }));

    private (List<string> Captions, List<string> Errors) Run(IEnumerable<string> files, int beam = 1, int batch = 64)
    {
        var data = _ml.Data.LoadFromEnumerable(files.Select(f => new ImageFile { Path = f }).ToList());
        var transformer = Pipeline(beam, batch).Fit(data);
        try
        {
            var output = transformer.Transform(data);
            return (output.GetColumn<string>("Caption").ToList(), output.GetColumn<string>("CaptionError").ToList());
        }
        finally
        {
            (transformer as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void Fresh_scenes_are_captioned_exactly_and_beam_search_is_no_worse_than_greedy()
    {
        var scenes = WriteScenes(300, new SceneRendering());
        var files = Enumerable.Range(0, scenes.Count).Select(i => $"scene_{i:D4}.png").ToList();
        var greedy = CaptionEvaluator.Evaluate(scenes, Run(files).Captions);
        var beam = CaptionEvaluator.Evaluate(scenes, Run(files, beam: 3).Captions);
        Assert.True(greedy.ExactMatch >= 0.95, $"greedy exact match {greedy.ExactMatch:P1}");
        Assert.True(greedy.Bleu4 >= 0.97, $"greedy BLEU-4 {greedy.Bleu4:F4}");
        Assert.True(beam.ExactMatch >= greedy.ExactMatch, $"beam 3 {beam.ExactMatch:P1} < greedy {greedy.ExactMatch:P1}");
    }

    [Theory]
    [InlineData(SceneEdges.Antialiased, SceneNoise.None)]
    [InlineData(SceneEdges.Aliased, SceneNoise.None)]
    [InlineData(SceneEdges.Antialiased, SceneNoise.Noisy)]
    [InlineData(SceneEdges.Aliased, SceneNoise.Noisy)]
    public void Every_rendering_the_spec_allows_stays_above_90_percent(SceneEdges edges, SceneNoise noise)
    {
        using var captioner = new ImageCaptioner(Model);
        var generator = new SceneGenerator(FreshSeed + 1, new SceneRendering { Edges = edges, Noise = noise });
        var scenes = Enumerable.Range(0, 150).Select(_ => generator.NextScene()).ToList();
        var results = captioner.CaptionImages(scenes.Select(s => s.ToPng()).ToList());
        var scores = CaptionEvaluator.Evaluate(scenes, results.Select(r => r.Caption).ToList());
        Assert.True(scores.ExactMatch >= 0.90, $"{edges}, {noise}: exact match {scores.ExactMatch:P1}");
    }

    [Fact]
    public void Batched_transform_prediction_engine_and_batch_sizes_agree()
    {
        WriteScenes(10, new SceneRendering());
        var files = Enumerable.Range(0, 10).Select(i => $"scene_{i:D4}.png").ToList();
        var (big, _) = Run(files, batch: 64);
        var (small, _) = Run(files, batch: 3);
        Assert.Equal(big, small);
        var data = _ml.Data.LoadFromEnumerable(files.Select(f => new ImageFile { Path = f }).ToList());
        var transformer = Pipeline().Fit(data);
        using var engine = _ml.Model.CreatePredictionEngine<ImageFile, CaptionRow>(transformer);
        Assert.Equal(big, files.Select(f => engine.Predict(new ImageFile { Path = f }).Caption).ToList());
    }

    private sealed class CaptionRow
    {
        public string Caption { get; set; } = "";
    }

    [Fact]
    public void Bad_images_get_an_error_and_never_fail_their_batch()
    {
        var scenes = WriteScenes(3, new SceneRendering());
        File.WriteAllText(System.IO.Path.Combine(_folder, "notes.png"), "this is not an image");
        // A grayscale image of another size: resized and read as RGB, so it is captioned.
        using (var gray = new SkiaSharp.SKBitmap(100, 80, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque))
        {
            gray.Erase(new SkiaSharp.SKColor(240, 240, 240));
            using var image = SkiaSharp.SKImage.FromBitmap(gray);
            using var png = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(System.IO.Path.Combine(_folder, "gray.png"), png.ToArray());
        }
        var (captions, errors) = Run(["scene_0000.png", "missing.png", "notes.png", "gray.png", "scene_0001.png", "scene_0002.png"], batch: 4);
        Assert.Equal(scenes[0].References, scenes[0].References); // scenes exist
        Assert.Contains(captions[0], scenes[0].References);
        Assert.Contains(captions[4], scenes[1].References);
        Assert.Contains(captions[5], scenes[2].References);
        Assert.Equal("", captions[1]);
        Assert.Contains("could not be read", errors[1], StringComparison.Ordinal);
        Assert.Equal("", captions[2]);
        Assert.NotEqual("", errors[2]);
        Assert.Equal("", errors[3]);
        Assert.Equal("", errors[0]);
    }

    [Fact]
    public void In_memory_images_report_bad_bytes_per_image()
    {
        using var captioner = new ImageCaptioner(Model, new CaptionOptions { BeamWidth = 2 });
        var scene = new SceneGenerator(FreshSeed).NextScene();
        var png = scene.ToPng();
        var huge = new SkiaSharp.SKImageInfo(20000, 20000);
        byte[] truncated = png[..(png.Length / 2)];
        var results = captioner.CaptionImages([png, [], "not an image at all"u8.ToArray(), png, truncated]);
        Assert.Contains(results[0].Caption, scene.References);
        Assert.Equal(results[0].Caption, results[3].Caption);
        Assert.Null(results[1].Caption);
        Assert.Contains("empty", results[1].Error, StringComparison.Ordinal);
        Assert.Null(results[2].Caption);
        Assert.Contains("not a readable image", results[2].Error, StringComparison.Ordinal);
        Assert.Null(results[4].Caption);
        Assert.Contains("damaged", results[4].Error, StringComparison.Ordinal);
        _ = huge;
    }

    [Fact]
    public void Wrong_columns_are_refused_with_their_names()
    {
        var numbers = _ml.Data.LoadFromEnumerable(new[] { new { Pixels = 1f } });
        var estimator = _ml.Transforms.GenerateCaption(Model);
        Assert.Contains("must be a vector of Single", Assert.Throws<DataException>(() => estimator.Fit(numbers)).Message, StringComparison.Ordinal);
        var other = _ml.Transforms.GenerateCaption(Model, inputColumnName: "Image");
        Assert.Contains("Image column 'Image' is not in the input", Assert.Throws<DataException>(() => other.Fit(numbers)).Message, StringComparison.Ordinal);
        Assert.Throws<ModelFileException>(() => _ml.Transforms.GenerateCaption(Repository.File("models", "textgen")).Fit(numbers));
    }

    private sealed class LabelledFile
    {
        public string Caption { get; set; } = "";

        public string Path { get; set; } = "";

        public string Tag { get; set; } = "";
    }

    private sealed class Scored
    {
        public string Caption { get; set; } = "";

        public string Tag { get; set; } = "";
    }

    [Fact]
    public void An_input_column_named_like_the_output_is_hidden_and_the_others_keep_their_values()
    {
        var scenes = WriteScenes(3, new SceneRendering());
        var rows = Enumerable.Range(0, 3).Select(i => new LabelledFile { Caption = "reference " + i, Path = $"scene_{i:D4}.png", Tag = "t" + i }).ToList();
        var data = _ml.Data.LoadFromEnumerable(rows);
        var transformer = Pipeline().Fit(data);
        try
        {
            var output = _ml.Data.CreateEnumerable<Scored>(transformer.Transform(data), reuseRowObject: false).ToList();
            for (int i = 0; i < 3; i++)
            {
                Assert.Contains(output[i].Caption, scenes[i].References);
                Assert.Equal("t" + i, output[i].Tag);
            }
        }
        finally
        {
            transformer.Dispose();
        }
    }
}
