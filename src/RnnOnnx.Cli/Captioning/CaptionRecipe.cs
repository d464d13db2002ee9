using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RnnOnnx.Cli.Training;
using RnnOnnx.Captioning;

namespace RnnOnnx.Cli.Captioning;

/// <summary>
/// The recipe of task "caption": member "scenes" (how many shapes scenes to generate from which seed, SPEC.md, so the
/// data is rebuilt rather than shipped) and every other member a <see cref="CaptionTrainingOptions"/> member. Runs
/// <see cref="CaptionTrainer.Train"/> and writes OUT (the decoder step model) and OUT-without-.onnx + ".encoder.onnx";
/// checkpoints every epoch to OUT.ckpt, so `--resume` and Ctrl+C work.
/// </summary>
internal sealed record CaptionRecipe : ITrainingRecipe
{
    public SceneSet Scenes { get; init; } = new();
    public CaptionTrainingOptions Options { get; init; } = new();

    /// <summary>The "scenes" member.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    internal sealed record SceneSet
    {
        [JsonPropertyName("count")] public int Count { get; init; } = 20_000;
        [JsonPropertyName("seed")] public ulong Seed { get; init; } = 1;
        [JsonPropertyName("edges")] public SceneEdges Edges { get; init; } = SceneEdges.Mixed;
        [JsonPropertyName("noise")] public SceneNoise Noise { get; init; } = SceneNoise.Mixed;
    }

    private sealed record Head : RecipeHead
    {
        [JsonPropertyName("scenes")] public SceneSet Scenes { get; init; } = new();
    }

    /// <summary>Reads the recipe object.</summary>
    /// <exception cref="DataException">Unknown, missing or bad member (the message names it and <paramref name="source"/>).</exception>
    public static CaptionRecipe Parse(JsonElement root, string source = "The recipe")
    {
        var (head, options) = RecipeJson.Read<Head, CaptionTrainingOptions>(root, source, "caption", o => o.Validate());
        if (head.Scenes.Count < 1) throw new DataException($"{source}: member 'scenes.count' must be at least 1, got {head.Scenes.Count}.");
        return new CaptionRecipe { Scenes = head.Scenes, Options = options };
    }

    /// <summary>Nothing to resolve: the data is generated.</summary>
    public ITrainingRecipe RelativeTo(string recipeFolder) => this;

    public string? CheckpointPath(string outPath) => outPath + ".ckpt";

    public string Train(string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var generator = new SceneGenerator(Scenes.Seed, new SceneRendering { Edges = Scenes.Edges, Noise = Scenes.Noise });
        var scenes = Enumerable.Range(0, Scenes.Count).Select(_ => generator.NextScene()).ToList();
        var data = new CaptionTrainingData(scenes.Select(s => s.ToPixels()).ToList(), scenes.Select(s => s.Caption).ToList());
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"scenes: {Scenes.Count} generated from seed {Scenes.Seed} (edges {Scenes.Edges}, noise {Scenes.Noise}) in {clock.Elapsed.TotalSeconds:F1} s"));
        var options = Options with { CheckpointPath = CheckpointPath(outPath), ResumeFrom = resumeFrom };
        var lines = new ProgressLines(progress, v => "val_loss " + (v is { } loss ? loss.ToString("F4", CultureInfo.InvariantCulture) : "-"));
        var result = CaptionTrainer.Train(data, options, lines, stop);
        string encoder = result.Save(outPath);
        var history = result.History;
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath} and {encoder}: vocabulary {result.Vocabulary.Count}, {result.Model.Parameters.Sum(p => (long)p.Value.Length)} weights, " +
            $"final loss {(history.Loss.Count > 0 ? history.Loss[^1] : double.NaN):F4}, validation {(history.ValidationLoss.Count > 0 ? history.ValidationLoss[^1].ToString("F4", CultureInfo.InvariantCulture) : "-")}, {clock.Elapsed.TotalSeconds:F1} s");
    }
}
