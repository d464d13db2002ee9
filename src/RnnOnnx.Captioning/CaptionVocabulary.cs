using System.Text.Json;

namespace RnnOnnx.Captioning;

/// <summary>
/// The captioner's words: id 0 pads, 1 begins and 2 ends a caption, 3 stands for a word the model never saw, then the
/// training captions' words in ordinal order (so the same captions always give the same ids). Captions are split on
/// single spaces, lower case, as the scene spec writes them.
/// </summary>
public sealed class CaptionVocabulary
{
    /// <summary>Padding after a caption's end (never generated).</summary>
    public const string Padding = "<pad>";
    /// <summary>The first input of every caption.</summary>
    public const string Begin = "<bos>";
    /// <summary>What the model emits after the last word.</summary>
    public const string End = "<eos>";
    /// <summary>Any word outside the vocabulary.</summary>
    public const string Unknown = "<unk>";

    private readonly string[] _words;
    private readonly Dictionary<string, int> _ids;

    private CaptionVocabulary(string[] words)
    {
        _words = words;
        _ids = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++) _ids.Add(words[i], i);
    }

    /// <summary>Id of <see cref="Padding"/>.</summary>
    public const int PaddingId = 0;
    /// <summary>Id of <see cref="Begin"/>.</summary>
    public const int BeginId = 1;
    /// <summary>Id of <see cref="End"/>.</summary>
    public const int EndId = 2;
    /// <summary>Id of <see cref="Unknown"/>.</summary>
    public const int UnknownId = 3;

    /// <summary>Number of ids, special tokens included.</summary>
    public int Count => _words.Length;

    /// <summary>Every token in id order.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The vocabulary of a set of captions.</summary>
    /// <exception cref="DataException">There are no captions, or a caption is empty.</exception>
    public static CaptionVocabulary Build(IEnumerable<string> captions)
    {
        ArgumentNullException.ThrowIfNull(captions);
        var words = new SortedSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var caption in captions)
        {
            var split = Split(caption);
            if (split.Length == 0) throw new DataException($"Caption {index} is empty.");
            words.UnionWith(split);
            index++;
        }
        if (index == 0) throw new DataException("There are no captions to learn a vocabulary from.");
        words.ExceptWith([Padding, Begin, End, Unknown]);
        return new CaptionVocabulary([Padding, Begin, End, Unknown, .. words]);
    }

    /// <summary>The words of a caption (lower case, split on whitespace).</summary>
    public static string[] Split(string? caption) =>
        (caption ?? "").ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Ids of a caption's words (unknown words → <see cref="UnknownId"/>), without begin/end tokens.</summary>
    public int[] Encode(string caption) => Split(caption).Select(w => _ids.TryGetValue(w, out int id) ? id : UnknownId).ToArray();

    /// <summary>The caption for generated ids: stops at the end token, leaves out padding and begin tokens.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var words = new List<string>();
        foreach (int id in ids)
        {
            if (id == EndId) break;
            if (id == PaddingId || id == BeginId) continue;
            words.Add(id >= 0 && id < _words.Length ? _words[id] : Unknown);
        }
        return string.Join(' ', words);
    }

    internal void Write(Utf8JsonWriter json)
    {
        json.WriteStartArray("vocabulary");
        foreach (var w in _words) json.WriteStringValue(w);
        json.WriteEndArray();
    }

    /// <exception cref="ModelFileException">The list is missing or does not start with the four special tokens.</exception>
    internal static CaptionVocabulary Read(JsonElement config, string source)
    {
        if (!config.TryGetProperty("vocabulary", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new ModelFileException($"{source} has no caption vocabulary in its rnnonnx.config metadata.");
        var words = list.EnumerateArray().Select(w => w.GetString() ?? "").ToArray();
        if (words.Length < 5 || words[0] != Padding || words[1] != Begin || words[2] != End || words[3] != Unknown || words.Distinct(StringComparer.Ordinal).Count() != words.Length)
            throw new ModelFileException($"{source}: the caption vocabulary must start with {Padding}, {Begin}, {End}, {Unknown} and hold distinct words.");
        return new CaptionVocabulary(words);
    }
}
