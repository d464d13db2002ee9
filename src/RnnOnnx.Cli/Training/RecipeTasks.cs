using System.Text.Json;
using RnnOnnx.Cli.Text;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// The tasks `rnnonnx train` knows: a recipe's "task" field picks the parser of its other fields. A new task is one
/// recipe class and one line here.
/// </summary>
internal static class RecipeTasks
{
    private static readonly Dictionary<string, Func<JsonElement, ITrainingRecipe>> Parsers = new(StringComparer.Ordinal)
    {
        ["generate"] = root => TextRecipe.Parse(root),
        ["forecast"] = root => ForecastRecipe.Parse(root),
        ["caption"] = root => Captioning.CaptionRecipe.Parse(root),
    };

    /// <summary>The task names, for help and error messages.</summary>
    public static IEnumerable<string> Names => Parsers.Keys;

    /// <summary>Reads a recipe file and parses it as its task's recipe; relative data paths are taken from the recipe's folder.</summary>
    /// <exception cref="DataException">Bad JSON, missing or unknown task, unknown field, wrong type or value (the message names the field).</exception>
    public static ITrainingRecipe Load(string path)
    {
        string json = File.ReadAllText(path);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return Parse(doc.RootElement).RelativeTo(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (JsonException e)
        {
            throw new DataException($"Recipe '{path}' is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Parses a recipe object by its "task" field.</summary>
    /// <exception cref="DataException">Missing or unknown task, or a bad field of the task's recipe.</exception>
    public static ITrainingRecipe Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DataException("The recipe must be a JSON object.");
        string known = string.Join(", ", Names.Select(n => $"\"{n}\""));
        if (!root.TryGetProperty("task", out var task)) throw new DataException($"Recipe field 'task' is missing; known tasks: {known}.");
        string name = RecipeFields.String(task, "task");
        return Parsers.TryGetValue(name, out var parse) ? parse(root)
            : throw new DataException($"Recipe field 'task' is '{name}', which `rnnonnx train` does not know; known tasks: {known}.");
    }
}
