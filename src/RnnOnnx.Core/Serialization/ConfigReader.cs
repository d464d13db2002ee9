using System.Text.Json;
using RnnOnnx.Layers;

namespace RnnOnnx.Serialization;

/// <summary>
/// One layer's options as written by its <c>WriteConfig</c>, read back by the layer's own <c>ReadConfig</c>. Every
/// missing or mistyped option fails as a <see cref="ModelFileException"/> that names the file, the layer and the option,
/// because a model file that says something impossible is a bad file, not a bad program.
/// </summary>
internal readonly struct ConfigReader
{
    private readonly JsonElement _config;
    private readonly string _where;

    public ConfigReader(JsonElement config, string where)
    {
        _config = config;
        _where = where;
    }

    public int Int(string name)
    {
        var value = Property(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) ? result : throw Fault(name, value, "an integer");
    }

    public float Float(string name)
    {
        var value = Property(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float result) ? result : throw Fault(name, value, "a number");
    }

    public bool Bool(string name)
    {
        var value = Property(name);
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Fault(name, value, "true or false");
    }

    public string String(string name)
    {
        var value = Property(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fault(name, value, "a string");
    }

    /// <summary>An enum option written by name; numbers and undefined names are refused (Enum.Parse would accept "7").</summary>
    public T Enum<T>(string name) where T : struct, Enum
    {
        var value = Property(name);
        string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null || Array.IndexOf(System.Enum.GetNames<T>(), text) < 0)
            throw Fault(name, value, "one of " + string.Join(", ", System.Enum.GetNames<T>()));
        return System.Enum.Parse<T>(text);
    }

    /// <summary>An enum option that files written before it existed lack: absent means <paramref name="absent"/>.</summary>
    public T Enum<T>(string name, T absent) where T : struct, Enum => Has(name) ? Enum<T>(name) : absent;

    /// <summary>An optional [height, width, channels] option.</summary>
    public ImageShape? Image(string name)
    {
        if (!Has(name)) return null;
        var value = Property(name);
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3
            || value.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int n) || n < 1))
            throw Fault(name, value, "[height, width, channels] of positive integers");
        return new ImageShape(value[0].GetInt32(), value[1].GetInt32(), value[2].GetInt32());
    }

    /// <summary>A nested layer: its type name in <paramref name="typeName"/>, its options in <paramref name="configName"/>.</summary>
    public Layer Layer(string typeName, string configName) => LayerConfig.Create(String(typeName), Property(configName), _where);

    /// <summary>An error about these options that no single option shows, prefixed with the file and layer.</summary>
    public ModelFileException Invalid(string problem) => new($"{_where}: {problem}");

    public bool Has(string name) => _config.ValueKind == JsonValueKind.Object && _config.TryGetProperty(name, out _);

    private JsonElement Property(string name)
    {
        if (_config.ValueKind != JsonValueKind.Object) throw new ModelFileException($"{_where}: the options are {_config.ValueKind}, not an object.");
        return _config.TryGetProperty(name, out var value) ? value : throw new ModelFileException($"{_where}: option '{name}' is missing.");
    }

    private ModelFileException Fault(string name, JsonElement value, string expected) =>
        new($"{_where}: option '{name}' is {value.GetRawText()}, expected {expected}.");
}
