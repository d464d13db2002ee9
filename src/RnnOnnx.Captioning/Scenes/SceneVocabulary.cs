using System.Collections.ObjectModel;

namespace RnnOnnx.Captioning;

/// <summary>
/// The words of scene captions and how attributes are spelled. SPEC.md lists these words and calls them 19;
/// the list itself has 16, and those 16 are all a caption can contain.
/// </summary>
public static class SceneVocabulary
{
    /// <summary>Every word a correct caption can contain, in the order SPEC.md lists them.</summary>
    public static ReadOnlyCollection<string> Words { get; } = new(
    [
        "a", "small", "large", "red", "green", "blue", "yellow", "purple", "circle", "square", "triangle",
        "to", "the", "left", "right", "of",
    ]);

    /// <summary>The caption word of a size class.</summary>
    public static string Word(SceneSize size) => Spelling(size);

    /// <summary>The caption word of a colour.</summary>
    public static string Word(SceneColor color) => Spelling(color);

    /// <summary>The caption word of a shape.</summary>
    public static string Word(SceneShape shape) => Spelling(shape);

    // The enum members are named after the caption words, so the word is the member name in lower case.
    private static string Spelling<T>(T value) where T : struct, Enum =>
        Enum.IsDefined(value)
            ? value.ToString().ToLowerInvariant()
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(T).Name} value.");
}
