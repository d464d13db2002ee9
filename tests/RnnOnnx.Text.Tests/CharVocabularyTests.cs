using RnnOnnx.Text;

namespace RnnOnnx.Text.Tests;

public sealed class CharVocabularyTests
{
    [Fact]
    public void Ids_are_ordinal_and_text_round_trips_including_non_ascii()
    {
        const string text = "ba\r\nçé 😀b";
        var v = CharVocabulary.Build(text);
        Assert.Equal("\n abçé😀", v.Characters);                 // CR LF became LF; sorted by code point
        var ids = v.Encode(text);
        Assert.Equal(8, ids.Length);                            // the emoji is one character, not two UTF-16 halves
        Assert.Equal("ba\nçé 😀b", v.Decode(ids));
    }

    [Fact]
    public void Unknown_characters_are_named_once_each_in_the_error()
    {
        var v = CharVocabulary.Build("hello world");
        var e = Assert.Throws<DataException>(() => v.Encode("hellö wörld!\t"));
        Assert.StartsWith("3 character(s) are not in the model's vocabulary of 8", e.Message, StringComparison.Ordinal);
        Assert.Contains("'ö' (U+00F6)", e.Message, StringComparison.Ordinal);
        Assert.Contains("'!' (U+0021)", e.Message, StringComparison.Ordinal);
        Assert.Contains("U+0009", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_json_round_trips_and_rejects_models_without_a_vocabulary()
    {
        var v = CharVocabulary.Build("\"quoted\"\n\\back\u0001");
        string json = v.ToConfigJson(new Dictionary<string, int> { ["window"] = 7 });
        Assert.Contains("\"window\":7", json, StringComparison.Ordinal);
        var again = CharVocabulary.FromConfigJson(json);
        Assert.Equal(v.Characters, again.Characters);
        Assert.Throws<ModelFileException>(() => CharVocabulary.FromConfigJson("""{"window":10}"""));
        Assert.Throws<ModelFileException>(() => CharVocabulary.FromConfigJson("""{"vocabulary":"aa"}"""));
        Assert.Throws<ModelFileException>(() => CharVocabulary.FromConfigJson("not json"));
    }

    [Fact]
    public void Empty_text_has_no_vocabulary() =>
        Assert.Throws<DataException>(() => CharVocabulary.Build(""));
}
