using RnnOnnx.Captioning;

namespace RnnOnnx.Captioning.Tests;

public sealed class SceneGeneratorTests
{
    private static List<ShapeScene> Scenes(ulong seed, int count, SceneRendering? rendering = null)
    {
        var generator = new SceneGenerator(seed, rendering ?? new SceneRendering());
        return Enumerable.Range(0, count).Select(_ => generator.NextScene()).ToList();
    }

    [Fact]
    public void The_same_seed_gives_the_same_scenes_and_pixels_and_another_seed_does_not()
    {
        var a = Scenes(11, 40);
        var b = Scenes(11, 40);
        var c = Scenes(12, 40);
        Assert.Equal(a.Select(s => s.Caption), b.Select(s => s.Caption));
        Assert.Equal(a.SelectMany(s => s.Objects), b.SelectMany(s => s.Objects));
        Assert.Equal(a.Select(s => (s.Background, s.Antialiased, s.NoiseStandardDeviation, s.NoiseSeed)),
                     b.Select(s => (s.Background, s.Antialiased, s.NoiseStandardDeviation, s.NoiseSeed)));
        for (int i = 0; i < 5; i++) Assert.Equal(a[i].ToPixels(), b[i].ToPixels());
        for (int i = 0; i < 5; i++) Assert.Equal(a[i].ToPng(), a[i].ToPng());
        Assert.NotEqual(a.Select(s => s.Caption), c.Select(s => s.Caption));
    }

    [Fact]
    public void Every_scene_of_thousands_follows_the_spec_rules()
    {
        foreach (var scene in Scenes(3, 4000))
        {
            Assert.InRange(scene.Objects.Count, 1, 2);
            foreach (var channel in new[] { scene.Background.Red, scene.Background.Green, scene.Background.Blue })
                Assert.InRange(channel, SceneSpec.BackgroundMin, SceneSpec.BackgroundMax);
            Assert.InRange(scene.NoiseStandardDeviation, 0f, SceneSpec.MaxNoiseStandardDeviation);
            foreach (var o in scene.Objects)
            {
                Assert.InRange(o.Side, SceneSpec.MinSide(o.Size), SceneSpec.MaxSide(o.Size));
                Assert.InRange(o.Left, 0, SceneSpec.ImageSize - o.Side);
                Assert.InRange(o.Top, 0, SceneSpec.ImageSize - o.Side);
                var (r, g, b) = SceneSpec.BaseColor(o.Color);
                Assert.InRange(o.Fill.Red, r - SceneSpec.ColorJitter, r + SceneSpec.ColorJitter);
                Assert.InRange(o.Fill.Green, g - SceneSpec.ColorJitter, g + SceneSpec.ColorJitter);
                Assert.InRange(o.Fill.Blue, b - SceneSpec.ColorJitter, b + SceneSpec.ColorJitter);
                Assert.Equal(255, o.Fill.Alpha);
            }
            if (scene.Objects.Count == 2)
            {
                var (left, right) = (scene.Objects[0], scene.Objects[1]);
                Assert.True(right.CentreX - left.CentreX >= SceneSpec.MinCentreDistance, $"centres {left.CentreX} and {right.CentreX}");
                Assert.False(left.Bounds.IntersectsWith(right.Bounds), $"{left.Bounds} overlaps {right.Bounds}");
            }
        }
    }

    [Fact]
    public void Captions_follow_the_grammar_and_use_only_the_spec_vocabulary()
    {
        Assert.Equal(16, SceneVocabulary.Words.Count);
        Assert.Equal(16, SceneVocabulary.Words.Distinct().Count());
        foreach (var scene in Scenes(5, 2000))
        {
            foreach (var reference in scene.References)
            {
                Assert.Equal(reference.Trim(), reference);
                Assert.DoesNotContain("  ", reference, StringComparison.Ordinal);
                Assert.All(reference.Split(' '), w => Assert.Contains(w, SceneVocabulary.Words));
            }
            if (scene.Objects.Count == 1)
            {
                var o = scene.Objects[0];
                Assert.Equal([$"a {Name(o.Size)} {Name(o.Color)} {Name(o.Shape)}"], scene.References);
            }
            else
            {
                string left = Phrase(scene.Objects[0]), right = Phrase(scene.Objects[1]);
                Assert.Equal([$"{left} to the left of {right}", $"{right} to the right of {left}"], scene.References);
            }
            Assert.Equal(scene.References[0], scene.Caption);
        }
    }

    [Fact]
    public void A_hand_placed_scene_has_the_left_object_first_in_its_caption()
    {
        var right = new SceneObject(SceneShape.Square, SceneSize.Large, SceneColor.Blue, 34, 0, 26, new(40, 80, 220));
        var left = new SceneObject(SceneShape.Triangle, SceneSize.Small, SceneColor.Yellow, 2, 40, 14, new(230, 200, 40));
        var scene = new ShapeScene([right, left], new(250, 250, 250), antialiased: true, 0, 1);
        Assert.Equal([left, right], scene.Objects);
        Assert.Equal("a small yellow triangle to the left of a large blue square", scene.Caption);
        Assert.Equal("a large blue square to the right of a small yellow triangle", scene.References[1]);
    }

    [Fact]
    public void Shapes_colours_sizes_sides_and_counts_are_drawn_evenly()
    {
        var scenes = Scenes(9, 6000);
        var objects = scenes.SelectMany(s => s.Objects).ToList();
        static void Even<T>(IEnumerable<T> values, int kinds, double tolerance = 0.1)
        {
            var counts = values.GroupBy(v => v).Select(g => g.Count()).ToList();
            Assert.Equal(kinds, counts.Count);
            double expected = counts.Sum() / (double)kinds;
            Assert.All(counts, c => Assert.InRange(c, (1 - tolerance) * expected, (1 + tolerance) * expected));
        }
        Even(scenes.Select(s => s.Objects.Count), 2);
        Even(objects.Select(o => o.Shape), 3);
        Even(objects.Select(o => o.Color), 5);
        Even(objects.Select(o => o.Size), 2);
        Even(objects.Where(o => o.Size == SceneSize.Small).Select(o => o.Side), 5, 0.2);
        Even(objects.Where(o => o.Size == SceneSize.Large).Select(o => o.Side), 7, 0.2);
        Even(objects.Select(o => o.Fill.Red - SceneSpec.BaseColor(o.Color).R), 41, 0.35);
        // Objects reach every edge of the image.
        Assert.Equal(0, objects.Min(o => o.Left));
        Assert.Equal(SceneSpec.ImageSize, objects.Max(o => o.Left + o.Side));
    }

    [Fact]
    public void Rendering_modes_are_honoured()
    {
        var clean = Scenes(4, 200, SceneRendering.Clean);
        Assert.All(clean, s => Assert.True(s.Antialiased && s.NoiseStandardDeviation == 0));
        var aliased = Scenes(4, 200, new SceneRendering { Edges = SceneEdges.Aliased, Noise = SceneNoise.Noisy, NoiseStandardDeviation = 3 });
        Assert.All(aliased, s => Assert.True(!s.Antialiased && s.NoiseStandardDeviation == 3));
        var mixed = Scenes(4, 400);
        Assert.InRange(mixed.Count(s => s.Antialiased), 150, 250);
        Assert.InRange(mixed.Average(s => s.NoiseStandardDeviation), 3.5, 4.5);
        Assert.Contains(mixed, s => s.NoiseStandardDeviation < 0.5);
        Assert.Contains(mixed, s => s.NoiseStandardDeviation > 7.5);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(8.5f)]
    [InlineData(float.NaN)]
    public void A_noise_outside_the_spec_is_refused_with_the_option_named(float sd)
    {
        var e = Assert.Throws<ModelConfigurationException>(() => new SceneGenerator(1, new SceneRendering { NoiseStandardDeviation = sd }));
        Assert.Contains("NoiseStandardDeviation", e.Message, StringComparison.Ordinal);
    }

    private static string Name(SceneSize size) => size.ToString().ToLowerInvariant();
    private static string Name(SceneColor color) => color.ToString().ToLowerInvariant();
    private static string Name(SceneShape shape) => shape.ToString().ToLowerInvariant();
    private static string Phrase(SceneObject o) => $"a {Name(o.Size)} {Name(o.Color)} {Name(o.Shape)}";
}
