using System.Globalization;
using System.Text.Json;
using RnnOnnx.Cli.Training;
using static RnnOnnx.Cli.Training.RecipeFields;

namespace RnnOnnx.Cli.Text;

/// <summary>
/// The recipe of task "generate": a character language model trained on a UTF-8 text (<see cref="CharModelTrainer"/>).
/// Parsing is strict: an unknown field or a value of the wrong type fails with a message naming the field.
/// </summary>
internal sealed record TextRecipe : ITrainingRecipe
{
    public string Task { get; init; } = "generate";
    public string Data { get; init; } = "";
    public int Embedding { get; init; } = 32;
    public int Units { get; init; } = 128;
    public int Layers { get; init; } = 1;
    public string Optimizer { get; init; } = "adam";
    public float LearningRate { get; init; } = 0.002f;
    public float Clip { get; init; } = 5f;
    public int Epochs { get; init; } = 10;
    public int Batch { get; init; } = 32;
    public int Window { get; init; } = 64;
    public ulong Seed { get; init; }
    public double Validation { get; init; } = 0.1;

    /// <summary>Reads a recipe file that must be of task "generate" (the shipped recipe's tests use this).</summary>
    /// <exception cref="DataException">Bad JSON, another task, unknown field, wrong type or value (the message names the field).</exception>
    public static TextRecipe Load(string path) =>
        RecipeTasks.Load(path) as TextRecipe ?? throw new DataException($"Recipe '{path}' is not of task \"generate\".");

    /// <summary>Parses the recipe object (exposed for tests of the field errors).</summary>
    public static TextRecipe Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DataException("The recipe must be a JSON object.");
        var r = new TextRecipe();
        bool hasData = false;
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            hasData |= p.Name == "data";
            r = p.Name switch
            {
                "task" => r with { Task = RecipeFields.String(v, "task") },
                "data" => r with { Data = RecipeFields.String(v, "data") },
                "architecture" => Architecture(r, v),
                "optimizer" => r with { Optimizer = Choice(v, "optimizer", "adam", "adamw", "sgd", "rmsprop") },
                "lr" => r with { LearningRate = (float)Number(v, "lr", 1e-7, 10) },
                "clip" => r with { Clip = (float)Number(v, "clip", 0, 1e6) },
                "epochs" => r with { Epochs = Integer(v, "epochs", 0, 100_000) },
                "batch" => r with { Batch = Integer(v, "batch", 1, 1 << 20) },
                "window" => r with { Window = Integer(v, "window", 1, 100_000) },
                "seed" => r with { Seed = (ulong)Integer(v, "seed", 0, int.MaxValue) },
                "validation" => r with { Validation = Number(v, "validation", 0, 0.9) },
                _ => throw Unknown(p.Name, "task", "data", "architecture", "optimizer", "lr", "clip", "epochs", "batch", "window", "seed", "validation"),
            };
        }
        if (r.Task != "generate") throw new DataException($"Recipe field 'task' is '{r.Task}'; this recipe is of task \"generate\" (a character language model).");
        if (!hasData || r.Data.Length == 0) throw new DataException("Recipe field 'data' is missing: give the path of the training text.");
        return r;
    }

    private static TextRecipe Architecture(TextRecipe r, JsonElement v)
    {
        foreach (var p in Object(v, "architecture", "{\"embedding\": 32, \"units\": 128, \"layers\": 1}"))
            r = p.Name switch
            {
                "embedding" => r with { Embedding = Integer(p.Value, "architecture.embedding", 1, 4096) },
                "units" => r with { Units = Integer(p.Value, "architecture.units", 1, 8192) },
                "layers" => r with { Layers = Integer(p.Value, "architecture.layers", 1, 16) },
                _ => throw Unknown($"architecture.{p.Name}", "embedding", "units", "layers"),
            };
        return r;
    }

    public ITrainingRecipe RelativeTo(string recipeFolder) => this with { Data = Resolve(Data, recipeFolder) };

    public string? CheckpointPath(string outPath) => CharModelTrainer.CheckpointPath(outPath);

    public string Train(string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop)
    {
        var result = CharModelTrainer.Train(this, outPath, resumeFrom, progress, stop);
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: vocabulary {result.Vocabulary.Count}, {result.Model.ParameterCount} weights, final loss {result.Loss:F4}, " +
            $"validation {(result.ValidationBitsPerChar is { } b ? b.ToString("F4", CultureInfo.InvariantCulture) : "-")} bits/char, {result.Elapsed.TotalSeconds:F1} s");
    }
}
