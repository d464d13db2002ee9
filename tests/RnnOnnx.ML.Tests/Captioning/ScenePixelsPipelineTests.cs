using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Captioning;
using RnnOnnx.ML.Captioning;
using SkiaSharp;

namespace RnnOnnx.ML.Tests.Captioning;

/// <summary>
/// A captioner is trained on <see cref="ShapeScene.ToPixels"/> and run through ML.NET's image pipeline on PNG files,
/// so both must give the same floats; these tests also pin down what ResizeImages does to other images.
/// </summary>
public sealed class ScenePixelsPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-scenes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class ImageRow
    {
        public string Path { get; set; } = "";
    }

    /// <summary>Runs LoadImages → ResizeImages(64, 64) → ExtractPixels() with ML.NET's defaults over the files.</summary>
    private List<float[]> ThroughMlNet(IEnumerable<string> files, out DataViewType pixelType)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new ImageRow { Path = f }).ToList());
        var pipeline = ml.Transforms.LoadImages("Image", _dir, nameof(ImageRow.Path))
            .Append(ml.Transforms.ResizeImages("Image", SceneSpec.ImageSize, SceneSpec.ImageSize))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"));
        var transformed = pipeline.Fit(data).Transform(data);
        pixelType = transformed.Schema["Pixels"].Type;
        return transformed.GetColumn<VBuffer<float>>("Pixels").Select(v => v.DenseValues().ToArray()).ToList();
    }

    private string Write(string name, byte[] png)
    {
        File.WriteAllBytes(Path.Combine(_dir, name), png);
        return name;
    }

    [Fact]
    public void Generator_pixels_equal_what_the_MLNET_image_pipeline_makes_of_the_PNG()
    {
        var generator = new SceneGenerator(8);
        var scenes = Enumerable.Range(0, 24).Select(_ => generator.NextScene()).ToList();
        Assert.Contains(scenes, s => s.Antialiased);
        Assert.Contains(scenes, s => !s.Antialiased);
        var files = scenes.Select((s, i) => Write($"scene_{i}.png", s.ToPng())).ToList();
        var fromMlNet = ThroughMlNet(files, out var type);
        var vector = Assert.IsType<VectorDataViewType>(type);
        Assert.Equal(NumberDataViewType.Single, vector.ItemType);
        Assert.Equal([3, 64, 64], vector.Dimensions.ToArray());
        for (int i = 0; i < scenes.Count; i++) Assert.Equal(scenes[i].ToPixels(), fromMlNet[i]);
    }

    [Fact]
    public void Pixels_are_planar_red_green_blue_byte_values()
    {
        var o = new SceneObject(SceneShape.Square, SceneSize.Small, SceneColor.Purple, 5, 7, 12, new(140, 61, 182));
        var scene = new ShapeScene([o], new(236, 245, 254), antialiased: false, 0, 0);
        var pixels = scene.ToPixels();
        Assert.Equal(ScenePixels.Length, pixels.Length);
        int Index(int channel, int y, int x) => channel * 64 * 64 + y * 64 + x;
        Assert.Equal([236f, 245f, 254f], [pixels[Index(0, 0, 0)], pixels[Index(1, 0, 0)], pixels[Index(2, 0, 0)]]);
        Assert.Equal([140f, 61f, 182f], [pixels[Index(0, 8, 6)], pixels[Index(1, 8, 6)], pixels[Index(2, 8, 6)]]);
        Assert.Equal(236f, pixels[Index(0, 7, 4)]);
        Assert.Equal(140f, pixels[Index(0, 7, 5)]);
        Assert.Equal(140f, pixels[Index(0, 18, 16)]);
        Assert.Equal(236f, pixels[Index(0, 19, 16)]);

        // Another channel order is read by colour, not by byte position; another size is refused.
        using var rendered = scene.Render();
        using var bgra = rendered.Copy(SKColorType.Bgra8888);
        Assert.Equal(pixels, ScenePixels.FromBitmap(bgra));
        using var small = new SKBitmap(32, 48);
        var e = Assert.Throws<ShapeException>(() => ScenePixels.FromBitmap(small));
        Assert.Contains("32×48 pixels, expected 64×64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grayscale_PNG_comes_out_of_the_pipeline_with_equal_red_green_and_blue()
    {
        using var gray = new SKBitmap(new SKImageInfo(64, 64, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) gray.SetPixel(x, y, new SKColor((byte)(x * 4), (byte)(x * 4), (byte)(x * 4)));
        var pixels = ThroughMlNet([Write("gray.png", ScenePixels.EncodePng(gray))], out _)[0];
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                int i = y * 64 + x;
                Assert.Equal(x * 4, pixels[i]);
                Assert.Equal(x * 4, pixels[4096 + i]);
                Assert.Equal(x * 4, pixels[8192 + i]);
            }
        }
    }

    [Fact]
    public void A_wider_PNG_is_cropped_to_its_centre_and_a_doubled_one_is_scaled_back_exactly()
    {
        var scene = new SceneGenerator(2, SceneRendering.Clean).NextScene();
        using var original = scene.Render();
        var expected = scene.ToPixels();

        // 96×64 with 16 black columns each side: ResizeImages' default IsoCrop keeps the centre 64×64 unscaled.
        using var wide = new SKBitmap(new SKImageInfo(96, 64, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(wide)) { canvas.Clear(SKColors.Black); canvas.DrawBitmap(original, 16, 0); }
        // 128×128, every pixel doubled: ResizeImages scales it to 64×64.
        using var doubled = original.Resize(new SKImageInfo(128, 128, SKColorType.Rgba8888, SKAlphaType.Opaque), SKFilterQuality.None);
        var results = ThroughMlNet([Write("wide.png", ScenePixels.EncodePng(wide)), Write("doubled.png", ScenePixels.EncodePng(doubled))], out _);

        Assert.Equal(expected, results[0]);
        // Halving samples midway between two equal source pixels, so the doubled scene comes back exactly.
        Assert.Equal(expected, results[1]);
    }
}
