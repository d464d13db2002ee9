using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RnnOnnx.Text;

/// <summary>
/// A character tokenizer: one id per distinct Unicode character (rune) of the training text, ids in ordinal order
/// so that the same text always gives the same vocabulary. Text is read with CR LF and lone CR turned into LF.
/// Unknown-character rule: encoding text that contains a character outside the vocabulary fails with a
/// <see cref="DataException"/> that names every such character; nothing is silently dropped or replaced, because a
/// prompt the model has never seen a character of would otherwise generate from a different context than asked.
/// </summary>
public sealed class CharVocabulary
{
    private readonly Rune[] _runes;
    private readonly Dictionary<Rune, int> _ids;

    private CharVocabulary(Rune[] runes)
    {
        _runes = runes;
        _ids = new Dictionary<Rune, int>(runes.Length);
        for (int i = 0; i < runes.Length; i++) _ids.Add(runes[i], i);
    }

    /// <summary>Number of characters (ids 0 … Count − 1).</summary>
    public int Count => _runes.Length;

    /// <summary>The characters in id order, as one string.</summary>
    public string Characters => string.Concat(_runes.Select(r => r.ToString()));

    /// <summary>The vocabulary of <paramref name="text"/> (after <see cref="Normalize"/>).</summary>
    /// <exception cref="DataException">The text is empty.</exception>
    public static CharVocabulary Build(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = Normalize(text);
        if (text.Length == 0) throw new DataException("The training text is empty: there are no characters to learn.");
        var set = new SortedSet<Rune>();
        foreach (var r in text.EnumerateRunes()) set.Add(r);
        return new CharVocabulary([.. set]);
    }

    /// <summary>Line endings as LF: the vocabulary must not depend on the platform the text was saved on.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
    }

    /// <summary>Whether <paramref name="c"/> has an id.</summary>
    public bool Contains(Rune c) => _ids.ContainsKey(c);

    /// <summary>The ids of <paramref name="text"/> (normalized first).</summary>
    /// <exception cref="DataException">The text has characters outside the vocabulary; the message lists them.</exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = Normalize(text);
        var ids = new List<int>(text.Length);
        SortedSet<Rune>? unknown = null;
        foreach (var r in text.EnumerateRunes())
        {
            if (_ids.TryGetValue(r, out int id)) ids.Add(id);
            else (unknown ??= []).Add(r);
        }
        if (unknown is not null)
            throw new DataException($"{unknown.Count} character(s) are not in the model's vocabulary of {Count}: " +
                string.Join(", ", unknown.Select(Describe)) + ". Use only characters that occur in the training text.");
        return [.. ids];
    }

    /// <summary>The character of <paramref name="id"/>.</summary>
    public string Decode(int id)
    {
        if ((uint)id >= (uint)_runes.Length) throw new ArgumentOutOfRangeException(nameof(id), id, $"Ids are in [0, {Count}).");
        return _runes[id].ToString();
    }

    /// <summary>The text of <paramref name="ids"/>.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        foreach (int id in ids) sb.Append(Decode(id));
        return sb.ToString();
    }

    /// <summary>The JSON object stored in the ONNX model's <c>rnnonnx.config</c>: <c>{"vocabulary":"…"}</c> plus <paramref name="extra"/>.</summary>
    public string ToConfigJson(IReadOnlyDictionary<string, int>? extra = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("tokenizer", "char");
            writer.WriteString("vocabulary", Characters);
            writer.WriteString("unknown", "error");
            if (extra is not null)
                foreach (var (key, value) in extra)
                    writer.WriteNumber(key, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads the vocabulary from a model's <c>rnnonnx.config</c> JSON.</summary>
    /// <exception cref="ModelFileException">The JSON has no character vocabulary, or one with repeated characters.</exception>
    public static CharVocabulary FromConfigJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string? characters;
        try
        {
            using var doc = JsonDocument.Parse(json);
            characters = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("vocabulary", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"The model's rnnonnx.config is not valid JSON: {e.Message}", e);
        }
        if (string.IsNullOrEmpty(characters)) throw new ModelFileException("The model's rnnonnx.config has no character \"vocabulary\": it is not a text-generation model.");
        var runes = characters.EnumerateRunes().ToArray();
        if (runes.Distinct().Count() != runes.Length) throw new ModelFileException("The model's character vocabulary repeats a character.");
        return new CharVocabulary(runes);
    }

    /// <summary>A character as users can read it in an error message, control characters as U+XXXX.</summary>
    internal static string Describe(Rune r) =>
        Rune.IsControl(r) || Rune.IsWhiteSpace(r) ? string.Create(CultureInfo.InvariantCulture, $"U+{r.Value:X4}") : $"'{r}' (U+{r.Value:X4})";
}
