namespace RnnOnnx.Captioning;

/// <summary>
/// Beam search over a batch of images at once: every live hypothesis of every image is one row of the next decoder
/// step, so a step costs one ONNX Runtime call whatever the batch and beam width. Width 1 is greedy decoding.
/// </summary>
internal sealed class BeamSearch(CaptionOptions options, int endId, int maxLength)
{
    private sealed record Hypothesis(int[] Tokens, double LogProbability, int Row);

    /// <summary>
    /// Decodes <paramref name="images"/> captions. <paramref name="step"/> runs one decoder step for rows of
    /// (last token, state row in the previous step's output, or −1 for the encoder's state of image i = −1 − row)
    /// and returns the next-word probabilities per row.
    /// </summary>
    public int[][] Run(int images, int beginId, Func<IReadOnlyList<(int Token, int ParentRow)>, float[][]> step)
    {
        int k = options.BeamWidth;
        var alive = new List<Hypothesis>[images];
        var finished = new List<(int[] Tokens, double Score)>[images];
        for (int i = 0; i < images; i++)
        {
            alive[i] = [new Hypothesis([], 0, -1 - i)];
            finished[i] = [];
        }
        for (int length = 0; alive.Any(a => a.Count > 0); length++)
        {
            if (length == maxLength)
            {
                // Out of room: what is still alive ends here, scored without an end token it never emitted.
                for (int i = 0; i < images; i++)
                    foreach (var h in alive[i]) finished[i].Add((h.Tokens, h.LogProbability / LengthPenalty(h.Tokens.Length + 1)));
                break;
            }
            var rows = new List<(int Token, int ParentRow)>();
            var owners = new List<(int Image, Hypothesis Hypothesis)>();
            for (int i = 0; i < images; i++)
                foreach (var h in alive[i])
                {
                    rows.Add((h.Tokens.Length == 0 ? beginId : h.Tokens[^1], h.Row));
                    owners.Add((i, h));
                }
            var probabilities = step(rows);
            var candidates = new List<(Hypothesis Parent, int Token, double LogProbability, int Row)>[images];
            for (int i = 0; i < images; i++) candidates[i] = [];
            for (int r = 0; r < rows.Count; r++)
            {
                var (image, parent) = owners[r];
                var p = probabilities[r];
                // Only a row's k best words can be among the image's k best continuations.
                foreach (int token in TopIndices(p, k, beginId))
                    candidates[image].Add((parent, token, parent.LogProbability + Math.Log(Math.Max(p[token], 1e-30f)), r));
            }
            for (int i = 0; i < images; i++)
            {
                alive[i] = [];
                foreach (var c in candidates[i].OrderByDescending(c => c.LogProbability))
                {
                    if (c.Token == endId) finished[i].Add((c.Parent.Tokens, c.LogProbability / LengthPenalty(c.Parent.Tokens.Length + 1)));
                    else alive[i].Add(new Hypothesis([.. c.Parent.Tokens, c.Token], c.LogProbability, c.Row));
                    if (alive[i].Count == k) break;
                }
                if (Done(finished[i], alive[i], maxLength)) alive[i] = [];
            }
        }
        return finished.Select(f => f.OrderByDescending(x => x.Score).First().Tokens).ToArray();
    }

    /// <summary>
    /// An image is done once it has k finished captions and none still alive could beat the best of them: log p only
    /// falls as words are added, so an alive hypothesis's best possible score is its log p over the largest length
    /// penalty it could reach. (Stopping at k finished alone would let quickly-ending unlikely captions cut off the
    /// likely one still being written.)
    /// </summary>
    private bool Done(List<(int[] Tokens, double Score)> finished, List<Hypothesis> alive, int maxLength)
    {
        if (alive.Count == 0) return true;
        if (finished.Count < options.BeamWidth) return false;
        double best = finished.Max(f => f.Score);
        return alive.All(h => h.LogProbability / LengthPenalty(maxLength + 1) <= best);
    }

    private double LengthPenalty(int length) => Math.Pow((5.0 + length) / 6.0, options.LengthPenalty);

    /// <summary>The <paramref name="count"/> most likely words; padding and the begin token are never generated.</summary>
    private static IEnumerable<int> TopIndices(float[] p, int count, int beginId)
    {
        var order = Enumerable.Range(0, p.Length).Where(t => t != beginId && t != CaptionVocabulary.PaddingId).ToArray();
        Array.Sort(order, (a, b) => p[b].CompareTo(p[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return order.Take(Math.Min(count, order.Length));
    }
}
