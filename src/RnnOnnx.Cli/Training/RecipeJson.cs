using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// A recipe is a JSON object: the recipe's own members (task, data, …: <see cref="RecipeHead"/>) and the product's
/// options, read by System.Text.Json straight into the options record (<see cref="OptionsJson"/>: an unknown member,
/// a wrong type or an enum value not among the names is an error naming the member and the file).
/// </summary>
internal static class RecipeJson
{
    /// <summary>The head of a recipe and its options, checked (<c>Validate()</c>).</summary>
    /// <exception cref="DataException">A member is unknown, missing, of the wrong type or out of range; the message names it and <paramref name="source"/>.</exception>
    public static (THead Head, TOptions Options) Read<THead, TOptions>(JsonElement root, string source, string task, Action<TOptions> validate)
        where THead : RecipeHead where TOptions : class
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DataException($"{source} must be a JSON object.");
        var head = OptionsJson.Deserialize<THead>(root, source);
        if (head.Task != task) throw new DataException($"{source}: member 'task' is '{head.Task}', but this is a recipe of task \"{task}\".");
        var rest = JsonSerializer.SerializeToElement(head.Options ?? [], OptionsJson.Options);
        var options = OptionsJson.Deserialize<TOptions>(rest, source);
        try { validate(options); }
        catch (ArgumentException e) { throw new DataException($"{source}: {e.Message}"); }
        return (head, options);
    }

    /// <summary>A data path as written in a recipe, taken from the recipe's folder when relative.</summary>
    public static string Resolve(string path, string recipeFolder) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(recipeFolder, path));
}

/// <summary>The members every recipe has: its task; every other member is left for the options record.</summary>
internal abstract record RecipeHead
{
    [JsonPropertyName("task"), JsonRequired] public string Task { get; init; } = "";

    /// <summary>The members that are not the recipe's own: the product options.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Options { get; init; }
}
