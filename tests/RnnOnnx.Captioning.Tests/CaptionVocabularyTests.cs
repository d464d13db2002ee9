using System.Text.Json;
using RnnOnnx.Captioning;

namespace RnnOnnx.Captioning.Tests;

public class CaptionVocabularyTests
{
    [Fact]
    public void Words_get_ordinal_ids_after_the_special_tokens_and_round_trip()
    {
        var v = CaptionVocabulary.Build(["a small red circle", "a large blue square to the left of a small red circle"]);
        Assert.Equal([CaptionVocabulary.Padding, CaptionVocabulary.Begin, CaptionVocabulary.End, CaptionVocabulary.Unknown, "a", "blue"], v.Words.Take(6));
        var ids = v.Encode("a large purple square");
        Assert.Equal(CaptionVocabulary.UnknownId, ids[2]);
        Assert.Equal("a large <unk> square", v.Decode(ids));
        Assert.Equal("a small", v.Decode([CaptionVocabulary.BeginId, .. v.Encode("a small"), CaptionVocabulary.EndId, .. v.Encode("red")]));
    }

    [Fact]
    public void Empty_captions_and_bad_stored_vocabularies_are_refused()
    {
        Assert.Contains("Caption 1 is empty", Assert.Throws<DataException>(() => CaptionVocabulary.Build(["a red", "  "])).Message);
        Assert.Throws<DataException>(() => CaptionVocabulary.Build([]));
        using var doc = JsonDocument.Parse("{\"vocabulary\": [\"a\", \"b\"]}");
        Assert.Throws<ModelFileException>(() => CaptionVocabulary.Read(doc.RootElement, "'m.onnx'"));
    }
}
