using System.Globalization;
using System.Text.Json;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// Reads typed recipe fields strictly: a value of the wrong type or out of range fails with a message naming the
/// field, because a misspelt or mistyped option silently left at its default would cost a training run.
/// </summary>
internal static class RecipeFields
{
    public static string String(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new DataException($"Recipe field '{field}' must be a string, got {Kind(v)}.");

    /// <summary>A string that must be one of <paramref name="choices"/>.</summary>
    public static string Choice(JsonElement v, string field, params string[] choices)
    {
        string value = String(v, field);
        return choices.Contains(value, StringComparer.Ordinal) ? value
            : throw new DataException($"Recipe field '{field}' is '{value}'; choose {string.Join(", ", choices[..^1])} or {choices[^1]}.");
    }

    public static int Integer(JsonElement v, string field, int min, int max)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n)) throw new DataException($"Recipe field '{field}' must be an integer, got {Kind(v)}.");
        if (n < min || n > max) throw new DataException($"Recipe field '{field}' is {n}; it must be between {min} and {max}.");
        return n;
    }

    public static double Number(JsonElement v, string field, double min, double max)
    {
        if (v.ValueKind != JsonValueKind.Number) throw new DataException($"Recipe field '{field}' must be a number, got {Kind(v)}.");
        double x = v.GetDouble();
        if (!(x >= min && x <= max))
            throw new DataException(string.Create(CultureInfo.InvariantCulture, $"Recipe field '{field}' is {x}; it must be between {min} and {max}."));
        return x;
    }

    /// <summary>The fields of an object-valued field, or an error showing the expected shape.</summary>
    public static JsonElement.ObjectEnumerator Object(JsonElement v, string field, string example) =>
        v.ValueKind == JsonValueKind.Object ? v.EnumerateObject()
            : throw new DataException($"Recipe field '{field}' must be an object like {example}, got {Kind(v)}.");

    public static DataException Unknown(string field, params string[] known) =>
        new($"Recipe field '{field}' is unknown; known fields: {string.Join(", ", known)}.");

    /// <summary>A data path as written in a recipe, taken from the recipe's folder when relative.</summary>
    public static string Resolve(string path, string recipeFolder) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(recipeFolder, path));

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{v.GetString()}\"",
        JsonValueKind.Number => $"the number {v.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
