namespace RnnOnnx.Captioning;

/// <summary>
/// Corpus-level BLEU-4 (Papineni et al., 2002) with uniform weights and no smoothing. For each n = 1..4 the
/// hypotheses' n-gram counts are clipped to the largest count of that n-gram in any one reference of the same
/// sentence, and summed over the corpus before dividing; the brevity penalty compares the total hypothesis length c
/// with r, the sum of each sentence's reference length closest to its hypothesis length (ties to the shorter):
/// BLEU = min(1, exp(1 − r/c)) · exp(¼ Σ log pₙ). It is 0 when any pₙ is 0 or the corpus has no 4-grams.
/// Tokens are the whitespace-separated words.
/// </summary>
public static class CorpusBleu
{
    /// <summary>The maximum n-gram order.</summary>
    public const int MaxOrder = 4;

    /// <summary>
    /// BLEU-4 of <paramref name="hypotheses"/> against <paramref name="references"/> (one or more per hypothesis);
    /// throws <see cref="DataException"/> when the counts differ or a sentence has no reference.
    /// </summary>
    public static double Compute(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string?> hypotheses)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(hypotheses);
        if (references.Count != hypotheses.Count)
            throw new DataException($"BLEU: {hypotheses.Count} hypotheses but {references.Count} reference sets; expected one set per hypothesis.");
        var matched = new long[MaxOrder];
        var total = new long[MaxOrder];
        long hypothesisLength = 0, referenceLength = 0;
        for (int s = 0; s < hypotheses.Count; s++)
        {
            if (references[s] is not { Count: > 0 } set) throw new DataException($"BLEU: sentence {s} has no reference.");
            var hypothesis = CaptionParser.Tokens(hypotheses[s]);
            var refs = set.Select(CaptionParser.Tokens).ToArray();
            hypothesisLength += hypothesis.Length;
            referenceLength += ClosestLength(refs, hypothesis.Length);
            for (int n = 1; n <= MaxOrder; n++)
            {
                var counts = NGrams(hypothesis, n);
                var maxReferenceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var reference in refs)
                {
                    foreach (var (gram, count) in NGrams(reference, n))
                        maxReferenceCounts[gram] = Math.Max(count, maxReferenceCounts.GetValueOrDefault(gram));
                }
                foreach (var (gram, count) in counts)
                    matched[n - 1] += Math.Min(count, maxReferenceCounts.GetValueOrDefault(gram));
                total[n - 1] += Math.Max(0, hypothesis.Length - n + 1);
            }
        }
        double logPrecision = 0;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (matched[n] == 0) return 0;
            logPrecision += Math.Log(matched[n] / (double)total[n]) / MaxOrder;
        }
        double brevity = hypothesisLength > referenceLength ? 1 : Math.Exp(1 - referenceLength / (double)hypothesisLength);
        return brevity * Math.Exp(logPrecision);
    }

    private static int ClosestLength(string[][] references, int length) =>
        references.Select(r => r.Length).OrderBy(r => Math.Abs(r - length)).ThenBy(r => r).First();

    private static Dictionary<string, int> NGrams(string[] tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Length; i++)
        {
            string gram = string.Join(' ', tokens, i, n);
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }
}
