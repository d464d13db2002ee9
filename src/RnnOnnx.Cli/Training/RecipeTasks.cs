using System.Text.Json;
using RnnOnnx.Cli.Captioning;
using RnnOnnx.Cli.Text;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// The tasks `rnnonnx train` knows: a recipe's "task" member picks the recipe type, which System.Text.Json reads
/// (<see cref="RecipeJson"/>). A new task is one recipe class and one line here.
/// </summary>
internal static class RecipeTasks
{
    private static readonly Dictionary<string, Func<JsonElement, string, ITrainingRecipe>> Parsers = new(StringComparer.Ordinal)
    {
        ["generate"] = TextRecipe.Parse,
        ["forecast"] = ForecastRecipe.Parse,
        ["caption"] = CaptionRecipe.Parse,
    };

    /// <summary>The task names, for help and error messages.</summary>
    public static IEnumerable<string> Names => Parsers.Keys;

    /// <summary>Reads a recipe file and parses it as its task's recipe; relative data paths are taken from the recipe's folder.</summary>
    /// <exception cref="DataException">Bad JSON, missing or unknown task, unknown member, wrong type or value (the message names the member and the file).</exception>
    public static ITrainingRecipe Load(string path)
    {
        string json = Serialization.InputFile.ReadAllText(path);
        string source = $"Recipe '{path}'";
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return Parse(doc.RootElement, source).RelativeTo(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (JsonException e)
        {
            throw new DataException($"{source} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Parses a recipe object by its "task" member.</summary>
    /// <exception cref="DataException">Missing or unknown task, or a bad member of the task's recipe.</exception>
    public static ITrainingRecipe Parse(JsonElement root, string source = "The recipe")
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DataException($"{source} must be a JSON object.");
        string known = string.Join(", ", Names.Select(n => $"\"{n}\""));
        if (!root.TryGetProperty("task", out var task)) throw new DataException($"{source} has no member 'task'; known tasks: {known}.");
        if (task.ValueKind != JsonValueKind.String) throw new DataException($"{source}: member 'task' must be a string, got {task.GetRawText()}; known tasks: {known}.");
        string name = task.GetString()!;
        return Parsers.TryGetValue(name, out var parse) ? parse(root, source)
            : throw new DataException($"{source}: member 'task' is '{name}', which `rnnonnx train` does not know; known tasks: {known}.");
    }
}
