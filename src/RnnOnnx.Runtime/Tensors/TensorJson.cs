using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RnnOnnx.Runtime.Tensors;

/// <summary>
/// Reads and writes the tensor files of <see cref="TensorFileRunner"/>: one JSON object whose members are tensors,
/// <c>{"name": {"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}}</c>. <c>data</c> is row-major, flat or nested; numbers
/// may also be written <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>, as output files write them.
/// </summary>
internal static class TensorJson
{
    public static Dictionary<string, JsonTensor> Parse(string json, string source)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e) { throw new DataException($"{source} is not valid JSON: {e.Message}"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataException($"{source} must be a JSON object of tensors: {{\"name\": {{\"shape\": [...], \"data\": [...]}}}}.");
            var tensors = new Dictionary<string, JsonTensor>(StringComparer.Ordinal);
            foreach (var member in document.RootElement.EnumerateObject())
                tensors[member.Name] = ParseTensor(member.Value, $"{source}, tensor '{member.Name}'");
            return tensors;
        }
    }

    private static JsonTensor ParseTensor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !element.TryGetProperty("data", out var dataElement))
            throw new DataException($"{where} must be {{\"shape\": [dims], \"data\": [numbers]}}.");
        var shape = new List<long>();
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new DataException($"{where}: shape entries must be whole numbers ≥ 0; found {d.GetRawText()}.");
            shape.Add(dim);
        }
        var data = new List<double>();
        Flatten(dataElement, data, where);
        long expected = shape.Aggregate(1L, (a, b) => a * b);
        if (expected != data.Count)
            throw new DataException($"{where}: shape [{string.Join(", ", shape)}] holds {expected} elements, but data has {data.Count}.");
        return new JsonTensor([.. shape], [.. data]);
    }

    private static void Flatten(JsonElement element, List<double> data, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Flatten(item, data, where);
                break;
            case JsonValueKind.Number:
                data.Add(element.GetDouble());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                data.Add(element.GetBoolean() ? 1 : 0);
                break;
            case JsonValueKind.String when element.GetString() is "NaN" or "Infinity" or "-Infinity":
                data.Add(double.Parse(element.GetString()!, CultureInfo.InvariantCulture));
                break;
            default:
                throw new DataException($"{where}: data holds {element.GetRawText()}, which is not a number.");
        }
    }

    /// <summary>Writes tensors in the order given; each element as the shortest text that reads back to the same value.</summary>
    public static string Write(IEnumerable<(string Name, long[] Shape, string[] Elements)> tensors)
    {
        var text = new StringBuilder("{");
        bool first = true;
        foreach (var (name, shape, elements) in tensors)
        {
            text.Append(first ? "\n  " : ",\n  ");
            first = false;
            text.Append(JsonSerializer.Serialize(name)).Append(": {\"shape\": [").AppendJoin(", ", shape).Append("], \"data\": [");
            text.AppendJoin(", ", elements).Append("]}");
        }
        return text.Append("\n}\n").ToString();
    }

    public static string Number(float value) => float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : Quoted(value.ToString(CultureInfo.InvariantCulture));

    public static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : Quoted(value.ToString(CultureInfo.InvariantCulture));

    private static string Quoted(string text) => text switch
    {
        "NaN" => "\"NaN\"",
        _ when text.StartsWith('-') => "\"-Infinity\"",
        _ => "\"Infinity\"",
    };
}
