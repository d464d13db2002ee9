using System.Text.Json;

namespace RnnOnnx.Cli.Text;

/// <summary>
/// The JSON recipe of `rnnonnx train` for a character language model. Parsing is strict: an unknown field or a value
/// of the wrong type fails with a message naming the field, because a misspelt option silently left at its default
/// would cost a training run.
/// </summary>
internal sealed record TextRecipe
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

    /// <summary>Reads and checks a recipe; a relative data path is taken from the recipe's folder.</summary>
    /// <exception cref="DataException">Bad JSON, unknown field, wrong type or value (the message names the field).</exception>
    public static TextRecipe Load(string path)
    {
        string json = File.ReadAllText(path);
        TextRecipe recipe;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            recipe = Parse(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new DataException($"Recipe '{path}' is not valid JSON: {e.Message}");
        }
        if (!Path.IsPathRooted(recipe.Data))
            recipe = recipe with { Data = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, recipe.Data)) };
        return recipe;
    }

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
                "task" => r with { Task = Text(v, "task") },
                "data" => r with { Data = Text(v, "data") },
                "architecture" => Architecture(r, v),
                "optimizer" => r with { Optimizer = Text(v, "optimizer") },
                "lr" => r with { LearningRate = (float)Number(v, "lr", 1e-7, 10) },
                "clip" => r with { Clip = (float)Number(v, "clip", 0, 1e6) },
                "epochs" => r with { Epochs = Integer(v, "epochs", 0, 100_000) },
                "batch" => r with { Batch = Integer(v, "batch", 1, 1 << 20) },
                "window" => r with { Window = Integer(v, "window", 1, 100_000) },
                "seed" => r with { Seed = (ulong)Integer(v, "seed", 0, int.MaxValue) },
                "validation" => r with { Validation = Number(v, "validation", 0, 0.9) },
                _ => throw new DataException($"Recipe field '{p.Name}' is unknown; known fields: task, data, architecture, optimizer, lr, clip, epochs, batch, window, seed, validation."),
            };
        }
        if (r.Task != "generate") throw new DataException($"Recipe field 'task' is '{r.Task}'; `rnnonnx train` supports \"generate\" (a character language model).");
        if (!hasData || r.Data.Length == 0) throw new DataException("Recipe field 'data' is missing: give the path of the training text.");
        if (r.Optimizer is not ("adam" or "adamw" or "sgd" or "rmsprop"))
            throw new DataException($"Recipe field 'optimizer' is '{r.Optimizer}'; choose adam, adamw, sgd or rmsprop.");
        return r;
    }

    private static TextRecipe Architecture(TextRecipe r, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object) throw new DataException($"Recipe field 'architecture' must be an object like {{\"embedding\": 32, \"units\": 128, \"layers\": 1}}, got {Kind(v)}.");
        foreach (var p in v.EnumerateObject())
            r = p.Name switch
            {
                "embedding" => r with { Embedding = Integer(p.Value, "architecture.embedding", 1, 4096) },
                "units" => r with { Units = Integer(p.Value, "architecture.units", 1, 8192) },
                "layers" => r with { Layers = Integer(p.Value, "architecture.layers", 1, 16) },
                _ => throw new DataException($"Recipe field 'architecture.{p.Name}' is unknown; known fields: embedding, units, layers."),
            };
        return r;
    }

    private static string Text(JsonElement v, string field) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new DataException($"Recipe field '{field}' must be a string, got {Kind(v)}.");

    private static int Integer(JsonElement v, string field, int min, int max)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n)) throw new DataException($"Recipe field '{field}' must be an integer, got {Kind(v)}.");
        if (n < min || n > max) throw new DataException($"Recipe field '{field}' is {n}; it must be between {min} and {max}.");
        return n;
    }

    private static double Number(JsonElement v, string field, double min, double max)
    {
        if (v.ValueKind != JsonValueKind.Number) throw new DataException($"Recipe field '{field}' must be a number, got {Kind(v)}.");
        double x = v.GetDouble();
        if (!(x >= min && x <= max)) throw new DataException($"Recipe field '{field}' is {x}; it must be between {min} and {max}.");
        return x;
    }

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
