using System.Text.Json;
using RnnOnnx.Cli.Training;
using RnnOnnx.Captioning;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Captioning;

/// <summary>`rnnonnx caption` with the shipped model, and `rnnonnx train` with a tiny caption recipe.</summary>
public sealed class CaptionCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-captioncli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Model() => RnnOnnx.Tests.Repository.File("models", "caption");

    private static List<ShapeScene> Scenes(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var generator = new SceneGenerator(9090);
        var scenes = Enumerable.Range(0, count).Select(_ => generator.NextScene()).ToList();
        for (int i = 0; i < count; i++) File.WriteAllBytes(Path.Combine(folder, $"s{i}.png"), scenes[i].ToPng());
        return scenes;
    }

    [Fact]
    public void Captions_files_and_folders_one_line_per_image()
    {
        string images = Path.Combine(_folder, "images");
        var scenes = Scenes(images, 4);
        var r = Run("caption", "--model", Model(), Path.Combine(images, "s0.png"), images, "--beam", "3");
        Assert.True(r.Exit == 0, r.Error);
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Equal(Path.Combine(images, "s0.png"), lines[0][0]);
        Assert.Contains(lines[0][1], scenes[0].References);
        for (int i = 0; i < 4; i++) Assert.Contains(lines[i + 1][1], scenes[i].References);
    }

    [Fact]
    public void Bad_files_and_empty_folders_get_one_message_each_and_the_rest_is_captioned()
    {
        string images = Path.Combine(_folder, "images");
        var scenes = Scenes(images, 2);
        string text = Path.Combine(_folder, "notes.png");
        File.WriteAllText(text, "not an image");
        string empty = Path.Combine(_folder, "empty");
        Directory.CreateDirectory(empty);
        string missing = Path.Combine(_folder, "missing.png");
        var r = Run("caption", "--model", Model(), Path.Combine(images, "s0.png"), missing, text, empty, Path.Combine(images, "s1.png"), "--json");
        Assert.Equal(1, r.Exit);
        using var doc = JsonDocument.Parse(r.Output);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Contains(rows, e => e.GetProperty("path").GetString() == empty && e.GetProperty("error").GetString()!.Contains("no image files", StringComparison.Ordinal));
        Assert.Contains(rows, e => e.GetProperty("path").GetString() == missing && e.GetProperty("error").GetString() == "the file does not exist");
        Assert.Contains(rows, e => e.GetProperty("path").GetString() == text && e.GetProperty("error").GetString()!.Contains("not a readable image", StringComparison.Ordinal));
        Assert.Contains(rows.Single(e => e.GetProperty("path").GetString()!.EndsWith("s1.png", StringComparison.Ordinal)).GetProperty("caption").GetString(), scenes[1].References);
        var errors = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, errors.Length);
        Assert.All(errors, e => Assert.StartsWith("error: ", e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_that_is_not_a_captioner_is_one_clear_error()
    {
        string images = Path.Combine(_folder, "images");
        Scenes(images, 1);
        string textModel = Path.Combine(Path.GetDirectoryName(Model())!, "textgen", "kjv-char.onnx");
        var r = Run("caption", "--model", textModel, images);
        Assert.Equal(1, r.Exit);
        Assert.Contains("is not a captioning model", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
    }

    private string Recipe(int epochs)
    {
        string path = Path.Combine(_folder, $"caption{epochs}.json");
        File.WriteAllText(path, $$"""{"task":"caption","scenes":{"count":64,"seed":3},"architecture":{"filters":[4,4,4],"features":8,"embedding":4,"units":8},"epochs":{{epochs}},"batch":16,"lr":0.01,"seed":2}""");
        return path;
    }

    [Fact]
    public void Caption_recipe_trains_both_files_and_a_cancelled_run_resumes_exactly()
    {
        // Same file name in two folders: the files name each other in their metadata, so names must match to compare bytes.
        string whole = Path.Combine(_folder, "whole", "m.onnx"), cut = Path.Combine(_folder, "cut", "m.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(whole)!);
        Directory.CreateDirectory(Path.GetDirectoryName(cut)!);
        var a = Run("train", "--recipe", Recipe(3), "--out", whole);
        Assert.True(a.Exit == 0, a.Error);
        Assert.Contains("epoch 3/3", a.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder, "whole", "m.encoder.onnx")));

        // Ctrl+C's token, cancelled after epoch 1: a checkpoint is left, and resuming it ends where the whole run ended.
        var recipe = RecipeTasks.Load(Recipe(3));
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            recipe.Train(cut, null, new PlainProgress(line => { if (line.StartsWith("epoch 1/", StringComparison.Ordinal)) cancel.Cancel(); }), cancel.Token));
        Assert.False(File.Exists(cut));
        var b = Run("train", "--recipe", Recipe(3), "--out", cut, "--resume", recipe.CheckpointPath(cut)!);
        Assert.True(b.Exit == 0, b.Error);
        Assert.DoesNotContain("epoch 1/3", b.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(cut));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "whole", "m.encoder.onnx")), File.ReadAllBytes(Path.Combine(_folder, "cut", "m.encoder.onnx")));
    }

    [Fact]
    public void Bad_caption_recipe_fields_are_named()
    {
        string path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, """{"task":"caption","scenes":{"count":"many"}}""");
        var r = Run("train", "--recipe", path, "--out", Path.Combine(_folder, "x.onnx"));
        Assert.Equal(1, r.Exit);
        Assert.Contains($"Recipe '{path}': member 'scenes.count' must be an integer.", r.Error, StringComparison.Ordinal);
        File.WriteAllText(path, """{"task":"caption","architecture":{"filters":[]}}""");
        Assert.Contains("architecture.filters", Run("train", "--recipe", path, "--out", Path.Combine(_folder, "x.onnx")).Error, StringComparison.Ordinal);
        File.WriteAllText(path, """{"task":"caption","colour":"red"}""");
        Assert.Contains("member 'colour' is unknown (CaptionTrainingOptions has no member of that name)", Run("train", "--recipe", path, "--out", Path.Combine(_folder, "x.onnx")).Error, StringComparison.Ordinal);
    }
}
