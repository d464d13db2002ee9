using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnOnnx;

/// <summary>
/// The JSON conventions of the products' options records (<c>RnnForecastOptions</c>, <c>TextTrainingOptions</c>,
/// <c>CaptionTrainingOptions</c>): snake_case member names fixed by attributes, enums as lower-case strings (numbers
/// refused), an unknown member an error (<see cref="JsonUnmappedMemberHandling.Disallow"/>), comments and trailing commas
/// allowed. The CLI's recipes are these objects plus the recipe's own members (task, data, …).
/// </summary>
public static class OptionsJson
{
    /// <summary>The serializer options every product's options are read and written with.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Reads <typeparamref name="T"/> from a JSON object; <paramref name="source"/> names it in errors ("Recipe 'r.json'").</summary>
    /// <exception cref="DataException">Not JSON, an unknown member, or a value of the wrong type or not among an enum's names; the message names the source and the member.</exception>
    public static T Deserialize<T>(JsonElement json, string source) where T : class
    {
        try
        {
            return json.Deserialize<T>(Options) ?? throw new DataException($"{source} is null; give a JSON object.");
        }
        catch (JsonException e)
        {
            throw new DataException(Describe(e, source));
        }
    }

    /// <summary>One sentence naming the source and the member of a <see cref="JsonException"/>, without the serializer's position details.</summary>
    public static string Describe(JsonException error, string source)
    {
        ArgumentNullException.ThrowIfNull(error);
        string message = error.Message;
        int at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (at >= 0) message = message[..at];
        string member = error.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
        return member.Length > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{source}, member '{member}': {message}")
            : string.Create(CultureInfo.InvariantCulture, $"{source}: {message}");
    }

    /// <summary>
    /// The error of a failed check in an options record's <c>Validate()</c>: names the option (its C# and JSON names) and the value.
    /// </summary>
    /// <param name="type">The options type, e.g. "RnnForecastOptions".</param>
    /// <param name="property">The C# property, e.g. "Horizon".</param>
    /// <param name="json">The JSON (recipe) name, e.g. "horizon".</param>
    /// <param name="value">The value found.</param>
    /// <param name="rule">What it must be, e.g. "at least 1".</param>
    public static ArgumentException Invalid(string type, string property, string json, object? value, string rule) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{type}.{property} (\"{json}\") must be {rule}, got {Format(value)}."), property);

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
