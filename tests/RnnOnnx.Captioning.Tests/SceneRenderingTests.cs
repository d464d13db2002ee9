using RnnOnnx.Captioning;
using SkiaSharp;

namespace RnnOnnx.Captioning.Tests;

public sealed class SceneRenderingTests
{
    private static IEnumerable<ShapeScene> Scenes(SceneEdges edges, SceneNoise noise, int count, ulong seed = 21)
    {
        var generator = new SceneGenerator(seed, new SceneRendering { Edges = edges, Noise = noise });
        for (int i = 0; i < count; i++) yield return generator.NextScene();
    }

    private static bool InBox(SceneObject o, int x, int y) => x >= o.Left && x < o.Left + o.Side && y >= o.Top && y < o.Top + o.Side;

    [Theory]
    [InlineData(SceneEdges.Antialiased)]
    [InlineData(SceneEdges.Aliased)]
    public void Without_noise_centres_have_the_fill_and_everything_outside_the_boxes_is_the_background(SceneEdges edges)
    {
        foreach (var scene in Scenes(edges, SceneNoise.None, 300))
        {
            using var bitmap = scene.Render();
            Assert.Equal((64, 64), (bitmap.Width, bitmap.Height));
            foreach (var o in scene.Objects)
                Assert.Equal(o.Fill, bitmap.GetPixel((int)o.CentreX, (int)o.CentreY));
            for (int y = 0; y < 64; y++)
            {
                for (int x = 0; x < 64; x++)
                {
                    if (scene.Objects.Any(o => InBox(o, x, y))) continue;
                    Assert.Equal(scene.Background, bitmap.GetPixel(x, y));
                }
            }
        }
    }

    [Fact]
    public void Aliased_shapes_cover_their_geometric_area_and_triangles_point_up()
    {
        foreach (var scene in Scenes(SceneEdges.Aliased, SceneNoise.None, 300))
        {
            using var bitmap = scene.Render();
            foreach (var o in scene.Objects)
            {
                int top = 0, bottom = 0;
                for (int y = o.Top; y < o.Top + o.Side; y++)
                {
                    for (int x = o.Left; x < o.Left + o.Side; x++)
                    {
                        var pixel = bitmap.GetPixel(x, y);
                        Assert.True(pixel == o.Fill || pixel == scene.Background, $"aliased pixel {pixel} is neither fill nor background");
                        if (pixel != o.Fill) continue;
                        if (y < o.CentreY) top++; else bottom++;
                    }
                }
                double area = o.Side * o.Side * o.Shape switch { SceneShape.Square => 1.0, SceneShape.Circle => Math.PI / 4, _ => 0.5 };
                Assert.InRange(top + bottom, 0.85 * area, 1.15 * area);
                // A triangle with its apex up has 1/4 of its area above the middle, a circle or square 1/2.
                double topShare = o.Shape == SceneShape.Triangle ? 0.25 : 0.5;
                Assert.InRange(top / (double)(top + bottom), topShare - 0.08, topShare + 0.08);
            }
        }
    }

    [Fact]
    public void Antialiased_edges_blend_and_aliased_edges_do_not()
    {
        var circle = new SceneObject(SceneShape.Circle, SceneSize.Large, SceneColor.Red, 10, 10, 27, new(220, 40, 40));
        int Blended(bool antialiased)
        {
            using var bitmap = new ShapeScene([circle], new(250, 250, 250), antialiased, 0, 0).Render();
            int n = 0;
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                    if (bitmap.GetPixel(x, y) is var p && p != circle.Fill && p != new SKColor(250, 250, 250)) n++;
            return n;
        }
        Assert.Equal(0, Blended(false));
        Assert.True(Blended(true) > 40, "an anti-aliased circle of diameter 27 has a ring of blended edge pixels");
    }

    [Fact]
    public void Noise_has_the_scene_standard_deviation_and_stays_in_byte_range()
    {
        var scene = new ShapeScene([new SceneObject(SceneShape.Square, SceneSize.Small, SceneColor.Green, 0, 0, 12, new(40, 170, 60))],
            new(240, 240, 240), antialiased: false, noiseStandardDeviation: 6, noiseSeed: 77);
        var noisy = scene.ToPixels();
        var flat = new ShapeScene(scene.Objects, scene.Background, false, 0, 0).ToPixels();
        Assert.Equal(noisy, scene.ToPixels());
        var differences = noisy.Zip(flat, (a, b) => (double)(a - b)).ToArray();
        double mean = differences.Average();
        double sd = Math.Sqrt(differences.Average(d => (d - mean) * (d - mean)));
        // Background 240 + N(0, 6²) is almost never clamped, so the spread is close to 6 (rounding adds 1/12).
        Assert.InRange(sd, 5.6, 6.4);
        Assert.InRange(mean, -0.3, 0.3);
        Assert.All(noisy, v => Assert.True(v >= 0 && v <= 255 && v == MathF.Round(v)));
    }
}
