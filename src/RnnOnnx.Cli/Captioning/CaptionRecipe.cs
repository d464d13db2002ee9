using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RnnOnnx.Cli.Training;
using RnnOnnx.Captioning;
using RnnOnnx.Training;
using static RnnOnnx.Cli.Training.RecipeFields;

namespace RnnOnnx.Cli.Captioning;

/// <summary>
/// The recipe of task "caption": a captioner (<see cref="CaptionTrainer"/>) trained on shapes scenes generated from a
/// seed (SPEC.md), so the data is rebuilt rather than shipped. Writes OUT (the decoder step model) and
/// OUT-without-.onnx + ".encoder.onnx"; checkpoints every epoch to OUT.ckpt, so `--resume` and Ctrl+C work.
/// </summary>
internal sealed record CaptionRecipe : ITrainingRecipe
{
    public int Scenes { get; init; } = 20_000;
    public ulong SceneSeed { get; init; } = 1;
    public SceneEdges Edges { get; init; } = SceneEdges.Mixed;
    public SceneNoise Noise { get; init; } = SceneNoise.Mixed;
    public CaptionTrainingOptions Options { get; init; } = new();

    /// <exception cref="DataException">Unknown field, wrong type or value (the message names the field).</exception>
    public static CaptionRecipe Parse(JsonElement root)
    {
        var r = new CaptionRecipe();
        var o = r.Options;
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "task": Choice(v, "task", "caption"); break;
                case "scenes":
                    foreach (var s in Object(v, "scenes", "{\"count\": 20000, \"seed\": 1, \"edges\": \"mixed\", \"noise\": \"mixed\"}"))
                        r = s.Name switch
                        {
                            "count" => r with { Scenes = Integer(s.Value, "scenes.count", 1, 10_000_000) },
                            "seed" => r with { SceneSeed = (ulong)Integer(s.Value, "scenes.seed", 0, int.MaxValue) },
                            "edges" => r with { Edges = Enum.Parse<SceneEdges>(Choice(s.Value, "scenes.edges", "antialiased", "aliased", "mixed"), ignoreCase: true) },
                            "noise" => r with { Noise = Enum.Parse<SceneNoise>(Choice(s.Value, "scenes.noise", "none", "noisy", "mixed"), ignoreCase: true) },
                            _ => throw Unknown($"scenes.{s.Name}", "count", "seed", "edges", "noise"),
                        };
                    break;
                case "architecture":
                    foreach (var a in Object(v, "architecture", "{\"filters\": [16, 32, 32], \"features\": 128, \"embedding\": 32, \"units\": 128, \"dropout\": 0}"))
                        o = a.Name switch
                        {
                            "filters" => o with { Filters = Filters(a.Value) },
                            "features" => o with { FeatureUnits = Integer(a.Value, "architecture.features", 1, 8192) },
                            "embedding" => o with { EmbeddingSize = Integer(a.Value, "architecture.embedding", 1, 4096) },
                            "units" => o with { Units = Integer(a.Value, "architecture.units", 1, 8192) },
                            "dropout" => o with { Dropout = (float)Number(a.Value, "architecture.dropout", 0, 0.95) },
                            _ => throw Unknown($"architecture.{a.Name}", "filters", "features", "embedding", "units", "dropout"),
                        };
                    break;
                case "lr": o = o with { LearningRate = (float)Number(v, "lr", 1e-7, 10) }; break;
                case "epochs": o = o with { Epochs = Integer(v, "epochs", 1, 100_000) }; break;
                case "batch": o = o with { BatchSize = Integer(v, "batch", 1, 1 << 16) }; break;
                case "validation": o = o with { ValidationSplit = Number(v, "validation", 0, 0.5) }; break;
                case "max_length": o = o with { MaxLength = Integer(v, "max_length", 1, 1000) }; break;
                case "seed": o = o with { Seed = (ulong)Integer(v, "seed", 0, int.MaxValue) }; break;
                default: throw Unknown(p.Name, "task", "scenes", "architecture", "lr", "epochs", "batch", "validation", "max_length", "seed");
            }
        }
        return r with { Options = o };
    }

    private static int[] Filters(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0) throw new DataException("Recipe field 'architecture.filters' must be a non-empty array of integers, like [16, 32, 32].");
        return v.EnumerateArray().Select((f, i) => Integer(f, $"architecture.filters[{i}]", 1, 4096)).ToArray();
    }

    /// <summary>Nothing to resolve: the data is generated.</summary>
    public ITrainingRecipe RelativeTo(string recipeFolder) => this;

    public string? CheckpointPath(string outPath) => outPath + ".ckpt";

    public string Train(string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var generator = new SceneGenerator(SceneSeed, new SceneRendering { Edges = Edges, Noise = Noise });
        var scenes = Enumerable.Range(0, Scenes).Select(_ => generator.NextScene()).ToList();
        var images = scenes.Select(s => s.ToPixels()).ToList();
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"scenes: {Scenes} generated from seed {SceneSeed} (edges {Edges}, noise {Noise}) in {clock.Elapsed.TotalSeconds:F1} s"));
        var o = Options;
        int trainCount = (int)(Scenes * (1 - o.ValidationSplit));
        var pace = new TrainingPace((long)trainCount * o.Epochs);
        var result = CaptionTrainer.Train(images, scenes.Select(s => s.Caption).ToList(), o, new FitOptions
        {
            CheckpointPath = CheckpointPath(outPath), ResumeFrom = resumeFrom, CancellationToken = stop,
            OnBatchEnd = b =>
            {
                pace.Observe((b.Epoch - 1) * (long)trainCount + Math.Min(trainCount, (long)b.Batch * o.BatchSize), clock.Elapsed);
                progress.Batch(string.Create(CultureInfo.InvariantCulture, $"epoch {b.Epoch}/{o.Epochs}  batch {b.Batch}/{b.Batches}  loss {b.Loss:F4}"), pace, "images");
            },
            OnEpochEnd = e => progress.Line(string.Create(CultureInfo.InvariantCulture,
                $"epoch {e.Epoch}/{e.Epochs}  loss {e.Loss:F4}  val_loss {(e.ValidationLoss is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-")}  {pace.Describe("images")}  {e.Elapsed.TotalSeconds:F1} s")),
        });
        string encoder = result.Export(outPath);
        var history = result.History;
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath} and {encoder}: vocabulary {result.Vocabulary.Count}, {result.Model.Parameters.Sum(p => (long)p.Value.Length)} weights, " +
            $"final loss {(history.Loss.Count > 0 ? history.Loss[^1] : double.NaN):F4}, validation {(history.ValidationLoss.Count > 0 ? history.ValidationLoss[^1].ToString("F4", CultureInfo.InvariantCulture) : "-")}, {clock.Elapsed.TotalSeconds:F1} s");
    }
}
