namespace RnnOnnx.Captioning;

/// <summary>
/// Reads captions of the spec's grammar back into the objects they name. Lenient about whitespace (a model's output
/// is judged on its words), strict about the skeleton: "a S C H" or "a S C H to the left|right of a S C H".
/// </summary>
internal static class CaptionParser
{
    public static string[] Tokens(string? caption) =>
        caption is null ? [] : caption.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The objects a caption names, left to right, or null when it does not have the grammar's skeleton. The slot words
    /// are returned as written, so a caption with a wrong word in one slot still names the other attributes.
    /// </summary>
    public static NamedObject[]? Parse(string? caption)
    {
        var w = Tokens(caption);
        if (w.Length == 4 && w[0] == "a") return [new(w[1], w[2], w[3])];
        if (w.Length != 12 || w[0] != "a" || w[4] != "to" || w[5] != "the" || w[7] != "of" || w[8] != "a") return null;
        var first = new NamedObject(w[1], w[2], w[3]);
        var second = new NamedObject(w[9], w[10], w[11]);
        return w[6] switch
        {
            "left" => [first, second],
            "right" => [second, first],
            _ => null,
        };
    }
}
