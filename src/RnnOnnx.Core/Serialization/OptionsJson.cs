using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
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

    /// <summary>One sentence naming the source and the member of a <see cref="JsonException"/> and what was wrong with it.</summary>
    public static string Describe(JsonException error, string source)
    {
        ArgumentNullException.ThrowIfNull(error);
        string message = error.Message;
        int at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (at >= 0) message = message[..at];
        string member = error.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
        if (Regex.Match(message, @"^The JSON property '([^']*)' could not be mapped to any \.NET member contained in type '([^']*)'") is { Success: true } unknown)
            return $"{source}: member '{(member.Length > 0 ? member : unknown.Groups[1].Value)}' is unknown ({ShortName(unknown.Groups[2].Value)} has no member of that name).";
        if (Regex.Match(message, @"missing required properties including: (.*)\.$") is { Success: true } missing)
            return $"{source}: member {missing.Groups[1].Value} is missing.";
        if (Regex.Match(message, @"^The JSON value could not be converted to (.*)\.$") is { Success: true } convert && member.Length > 0)
            return $"{source}: member '{member}' must be {Expected(convert.Groups[1].Value)}.";
        return member.Length > 0 ? $"{source}, member '{member}': {message}" : $"{source}: {message}";
    }

    private static string ShortName(string type) => type[(Math.Max(type.LastIndexOf('.'), type.LastIndexOf('+')) + 1)..];

    /// <summary>What a value of the .NET type <paramref name="type"/> looks like in JSON.</summary>
    private static string Expected(string type)
    {
        switch (type)
        {
            case "System.Int32" or "System.Int64": return "an integer";
            case "System.UInt32" or "System.UInt64": return "a non-negative integer";
            case "System.Single" or "System.Double": return "a number";
            case "System.String": return "a string";
            case "System.Boolean": return "true or false";
        }
        if (type.StartsWith("System.Collections.", StringComparison.Ordinal)) return "an array";
        var resolved = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(type)).FirstOrDefault(t => t is not null);
        if (resolved is { IsEnum: true })
        {
            var names = resolved.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(f =>
                f.GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false).OfType<JsonStringEnumMemberNameAttribute>().FirstOrDefault()?.Name
                ?? JsonNamingPolicy.CamelCase.ConvertName(f.Name)).ToList();
            return $"one of the strings {string.Join(", ", names.Select(n => $"\"{n}\""))}";
        }
        return $"an object ({ShortName(type)})";
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
