using RnnOnnx.Captioning;

namespace RnnOnnx.Captioning.Tests;

public sealed class CaptionEvaluatorTests
{
    private const string RedCircle = "a small red circle";
    private const string LeftFirst = "a small red circle to the left of a large blue square";
    private const string RightFirst = "a large blue square to the right of a small red circle";
    // Says the circle is on the right: every word is in a reference, but the scene is described wrongly.
    private const string Swapped = "a small red circle to the right of a large blue square";

    private static IReadOnlyList<string>[] Refs(params string[][] sets) => sets.Select(s => (IReadOnlyList<string>)s).ToArray();

    [Fact]
    public void A_perfect_corpus_scores_one_everywhere()
    {
        var generator = new SceneGenerator(6);
        var list = Enumerable.Range(0, 300).Select(_ => generator.NextScene()).ToList();
        // Either correct form counts: the right-first reference for every other two-object scene.
        var captions = list.Select((s, i) => s.References[i % s.References.Count]).ToList();
        var scores = CaptionEvaluator.Evaluate(list, captions);
        Assert.Equal(300, scores.Count);
        Assert.Equal(list.Sum(s => s.Objects.Count), scores.Objects);
        Assert.Equal(1.0, scores.ExactMatch);
        Assert.Equal(1.0, scores.Bleu4, 12);
        Assert.Equal((1.0, 1.0, 1.0), (scores.SizeAccuracy, scores.ColorAccuracy, scores.ShapeAccuracy));
        Assert.Contains(captions, c => c.Contains("right", StringComparison.Ordinal));
    }

    [Fact]
    public void Partial_matches_give_the_hand_computed_corpus_BLEU()
    {
        // Sentence 1 is perfect: 4/4 unigrams, 3/3 bigrams, 2/2 trigrams, 1/1 4-grams.
        // Sentence 2 "a small blue circle": 3/4 unigrams, 1/3 bigrams ("a small"), 0/2 trigrams, 0/1 4-grams.
        // Corpus: p1 = 7/8, p2 = 4/6, p3 = 2/4, p4 = 1/2; c = r = 8 so no brevity penalty.
        // BLEU = (7/8 · 2/3 · 1/2 · 1/2)^¼ = (7/48)^¼ = 0.617965...
        double bleu = CorpusBleu.Compute(Refs([RedCircle], [RedCircle]), [RedCircle, "a small blue circle"]);
        Assert.Equal(Math.Pow(7.0 / 48, 0.25), bleu, 12);
        Assert.Equal(0.61797, bleu, 5);
        // Alone, sentence 2 has no matching trigram, so its BLEU is 0 (no smoothing).
        Assert.Equal(0.0, CorpusBleu.Compute(Refs([RedCircle]), ["a small blue circle"]));
    }

    [Fact]
    public void Each_n_gram_is_clipped_by_the_best_of_several_references()
    {
        // Against both references every unigram (12/12), bigram (11/11) and trigram (10/10) of Swapped occurs in one
        // of them; of its 9 four-grams "circle to the right" and "right of a large" occur in neither: 7/9.
        // BLEU = (7/9)^¼ = 0.939105...
        double both = CorpusBleu.Compute(Refs([LeftFirst, RightFirst]), [Swapped]);
        Assert.Equal(Math.Pow(7.0 / 9, 0.25), both, 12);
        Assert.Equal(0.93910, both, 5);
        // Against the left-first reference alone: unigrams 11/12 ("right" missing), bigrams 9/11 ("the right",
        // "right of"), trigrams 7/10, four-grams 5/9, so BLEU = (11/12 · 9/11 · 7/10 · 5/9)^¼ = (7/24)^¼ = 0.734889...
        double one = CorpusBleu.Compute(Refs([LeftFirst]), [Swapped]);
        Assert.Equal(Math.Pow(7.0 / 24, 0.25), one, 12);
        Assert.Equal(0.73489, one, 5);
        // A repeated word counts only as often as one reference has it: "a" twice of 12 unigrams here.
        // p1 = 2/12 ... and no bigram "a a" exists, so BLEU is 0.
        Assert.Equal(0.0, CorpusBleu.Compute(Refs([LeftFirst, RightFirst]), [string.Join(' ', Enumerable.Repeat("a", 12))]));
    }

    [Fact]
    public void Short_hypotheses_pay_the_brevity_penalty_against_the_closest_reference_length()
    {
        // All n-grams of both sentences match (p1..p4 = 1); c = 12 + 3 = 15, r = 12 + 4 = 16: BLEU = exp(1 − 16/15).
        double bleu = CorpusBleu.Compute(Refs([LeftFirst], [RedCircle]), [LeftFirst, "a small red"]);
        Assert.Equal(Math.Exp(1 - 16.0 / 15), bleu, 12);
        Assert.Equal(0.93551, bleu, 5);
        // "a small red circle to" (5 words) matches the 12-word reference's n-grams; its closest reference length is
        // the 4-word one, so c = 5 > r = 4 and there is no penalty. Against the 12-word reference alone it pays one.
        const string Five = "a small red circle to";
        Assert.Equal(1.0, CorpusBleu.Compute(Refs([RedCircle, LeftFirst]), [Five]), 12);
        Assert.Equal(Math.Exp(1 - 12.0 / 5), CorpusBleu.Compute(Refs([LeftFirst]), [Five]), 12);
    }

    [Fact]
    public void Attributes_are_scored_per_object_after_lining_the_caption_up_with_the_scene()
    {
        var refs = Refs([LeftFirst, RightFirst], [LeftFirst, RightFirst], [RedCircle], [RedCircle]);
        string[] generated =
        [
            "a large blue square to the right of a small red triangle", // right: square ✓✓✓; left: small ✓ red ✓ triangle ✗
            Swapped,                                                     // names each object with the other's attributes: all ✗
            "a small green circle",                                      // size ✓ colour ✗ shape ✓
            "a huge red circle",                                         // not a size word, but colour and shape ✓
        ];
        var scores = CaptionEvaluator.Evaluate(refs, generated);
        Assert.Equal((4, 6), (scores.Count, scores.Objects));
        Assert.Equal(0.0, scores.ExactMatch);
        Assert.Equal(3.0 / 6, scores.SizeAccuracy, 12);
        Assert.Equal(3.0 / 6, scores.ColorAccuracy, 12);
        Assert.Equal(3.0 / 6, scores.ShapeAccuracy, 12);
        Assert.InRange(scores.Bleu4, 0.01, 0.99);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("circle red small a")]
    [InlineData("a small red circle to the left of")]
    [InlineData("a small red circle to the left of a large blue square and more")]
    [InlineData("a small red circle on the left of a large blue square")]
    [InlineData("a large blue square to the left of a small red circle")]
    [InlineData("a small red circle")]
    public void Malformed_or_wrong_captions_score_no_match_and_no_attribute_and_never_throw(string? generated)
    {
        var scores = CaptionEvaluator.Evaluate(Refs([LeftFirst, RightFirst]), [generated]);
        Assert.Equal(0.0, scores.ExactMatch);
        Assert.InRange(scores.Bleu4, 0.0, 0.99);
        Assert.Equal((0.0, 0.0, 0.0), (scores.SizeAccuracy, scores.ColorAccuracy, scores.ShapeAccuracy));
    }

    [Fact]
    public void Exact_match_is_whole_string_equality_but_attributes_ignore_spacing()
    {
        var scores = CaptionEvaluator.Evaluate(Refs([RedCircle]), ["a  small red circle "]);
        Assert.Equal(0.0, scores.ExactMatch);
        Assert.Equal(1.0, scores.ShapeAccuracy);
        Assert.Equal(1.0, scores.Bleu4, 12);
    }

    [Fact]
    public void Mismatched_inputs_are_refused_with_a_clear_error()
    {
        var count = Assert.Throws<DataException>(() => CaptionEvaluator.Evaluate(Refs([RedCircle], [RedCircle]), [RedCircle]));
        Assert.Contains("1 generated captions for 2 scenes", count.Message, StringComparison.Ordinal);
        Assert.Throws<DataException>(() => CaptionEvaluator.Evaluate(Refs(), []));
        var grammar = Assert.Throws<DataException>(() => CaptionEvaluator.Evaluate(Refs(["red circle"]), [RedCircle]));
        Assert.Contains("scene 0", grammar.Message, StringComparison.Ordinal);
        Assert.Throws<DataException>(() => CorpusBleu.Compute(Refs([]), [RedCircle]));
    }
}
