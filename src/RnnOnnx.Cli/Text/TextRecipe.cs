using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RnnOnnx.Cli.Training;
using RnnOnnx.Text;

namespace RnnOnnx.Cli.Text;

/// <summary>
/// The recipe of task "generate": member "data" (the UTF-8 training text) and every other member a
/// <see cref="TextTrainingOptions"/> member. `rnnonnx train` reads the text, runs <see cref="TextTrainer.Train"/>
/// (checkpoint after every epoch at OUT.ckpt, so `--resume` and Ctrl+C work) and saves the model.
/// </summary>
internal sealed record TextRecipe : ITrainingRecipe
{
    public string Data { get; init; } = "";
    public TextTrainingOptions Options { get; init; } = new();

    private sealed record Head : RecipeHead
    {
        [JsonPropertyName("data"), JsonRequired] public string Data { get; init; } = "";
    }

    /// <summary>Reads a recipe file that must be of task "generate" (the shipped recipe's tests use this).</summary>
    /// <exception cref="DataException">Bad JSON, another task, unknown member, wrong type or value (the message names the member and the file).</exception>
    public static TextRecipe Load(string path) =>
        RecipeTasks.Load(path) as TextRecipe ?? throw new DataException($"Recipe '{path}' is not of task \"generate\".");

    /// <summary>Reads the recipe object.</summary>
    /// <exception cref="DataException">Unknown, missing or bad member (the message names it and <paramref name="source"/>).</exception>
    public static TextRecipe Parse(JsonElement root, string source = "The recipe")
    {
        var (head, options) = RecipeJson.Read<Head, TextTrainingOptions>(root, source, "generate", o => o.Validate());
        return new TextRecipe { Data = head.Data, Options = options };
    }

    public ITrainingRecipe RelativeTo(string recipeFolder) => this with { Data = RecipeJson.Resolve(Data, recipeFolder) };

    /// <summary>The per-epoch checkpoint lives next to the model so that `--resume` is easy to find.</summary>
    public string? CheckpointPath(string outPath) => outPath + ".ckpt";

    public string Train(string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop)
    {
        var options = Options with { CheckpointPath = CheckpointPath(outPath), ResumeFrom = resumeFrom };
        var lines = new ProgressLines(progress, v => "val_bpc " + (v is { } loss ? (loss / Math.Log(2)).ToString("F4", CultureInfo.InvariantCulture) : "-"));
        using var model = TextTrainer.Train(TrainingText.Read(Data), options, lines, stop);
        model.Save(outPath);
        var report = model.Report!;
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: vocabulary {model.Vocabulary.Count}, {report.Parameters} weights, final loss {report.Loss:F4}, " +
            $"validation {(report.ValidationBitsPerChar is { } b ? b.ToString("F4", CultureInfo.InvariantCulture) : "-")} bits/char, {report.Elapsed.TotalSeconds:F1} s");
    }
}
