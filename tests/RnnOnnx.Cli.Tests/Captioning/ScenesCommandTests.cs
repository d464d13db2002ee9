using RnnOnnx.Captioning;
using SkiaSharp;

namespace RnnOnnx.Cli.Tests.Captioning;

/// <summary>`rnnonnx scenes` end to end: files, captions, determinism and argument errors.</summary>
public sealed class ScenesCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-scenes-").FullName;

    [Fact]
    public void Writes_the_images_and_a_captions_table_that_match_the_generator()
    {
        string outDir = Path.Combine(_folder, "a");
        var (exit, output, error) = CliRunner.Run("scenes", "--count", "30", "--seed", "5", "--out", outDir, "--edges", "aliased", "--noise", "noisy");
        Assert.True(exit == 0, error);
        Assert.Contains("wrote 30 scenes", output, StringComparison.Ordinal);

        var lines = File.ReadAllLines(Path.Combine(outDir, "captions.tsv"));
        Assert.Equal("file\tcaption\treference2", lines[0]);
        Assert.Equal(31, lines.Length);
        Assert.Equal(31, Directory.GetFiles(outDir).Length); // 30 images + the table, no temporary files left
        var generator = new SceneGenerator(5, new SceneRendering { Edges = SceneEdges.Aliased, Noise = SceneNoise.Noisy });
        for (int i = 0; i < 30; i++)
        {
            var scene = generator.NextScene();
            var cells = lines[i + 1].Split('\t');
            Assert.Equal($"scene_{i:D5}.png", cells[0]);
            Assert.Equal(3, cells.Length);
            Assert.Equal(scene.Caption, cells[1]);
            Assert.Equal(scene.Objects.Count == 2 ? scene.References[1] : "", cells[2]);
            Assert.Equal(scene.Objects.Count == 2, cells[1].Contains(" to the left of ", StringComparison.Ordinal));
            using var image = SKBitmap.Decode(Path.Combine(outDir, cells[0]));
            Assert.Equal((64, 64), (image.Width, image.Height));
            Assert.Equal(scene.ToPixels(), ScenePixels.FromBitmap(image));
        }
        Assert.Contains(lines, l => l.EndsWith('\t'));
        Assert.Contains(lines.Skip(1), l => !l.EndsWith('\t'));
    }

    [Fact]
    public void The_same_arguments_write_the_same_bytes()
    {
        string a = Path.Combine(_folder, "a"), b = Path.Combine(_folder, "b");
        Assert.Equal(0, CliRunner.Run("scenes", "--count", "6", "--seed", "9", "--out", a).Exit);
        Assert.Equal(0, CliRunner.Run("scenes", "--count", "6", "--seed", "9", "--out", b).Exit);
        foreach (var file in Directory.GetFiles(a).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file!)), File.ReadAllBytes(Path.Combine(b, file!)));
        Assert.Equal(7, Directory.GetFiles(b).Length);
    }

    [Theory]
    [InlineData("--count", "0", "--count")]
    [InlineData("--edges", "blurry", "--edges")]
    [InlineData("--noise", "loud", "--noise")]
    public void Bad_arguments_exit_one_with_one_error_line_and_write_nothing(string option, string value, string named)
    {
        string outDir = Path.Combine(_folder, "bad");
        string[] count = option == "--count" ? [] : ["--count", "3"];
        var (exit, _, error) = CliRunner.Run(["scenes", "--out", outDir, .. count, option, value]);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(outDir));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
