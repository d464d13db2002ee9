namespace RnnOnnx.Text;

/// <summary>
/// Picks the next id from logits: greedy at temperature 0, otherwise softmax(logits / T) restricted by top-k and
/// top-p, then one draw from a seeded generator. Ties between equal logits go to the lowest id, so greedy output is
/// reproducible and comparable with an argmax over the trainer's outputs.
/// </summary>
internal sealed class CharSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private int[] _order = [];
    private double[] _probabilities = [];

    public CharSampler(SamplingOptions options)
    {
        options.Validate();
        _options = options;
        // Sampling is not security-sensitive; a seeded Random makes generation repeatable.
#pragma warning disable CA5394
        _random = new Random(options.Seed);
#pragma warning restore CA5394
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    public int Next(ReadOnlySpan<float> logits)
    {
        if (_options.Temperature == 0) return ArgMax(logits);
        int n = logits.Length;
        if (_order.Length != n) { _order = new int[n]; _probabilities = new double[n]; }
        for (int i = 0; i < n; i++) _order[i] = i;
        var scores = logits.ToArray();
        // Most likely first; equal scores keep id order so the cut-offs below are deterministic.
        Array.Sort(_order, (a, b) => scores[b] != scores[a] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        double max = scores[_order[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += _probabilities[i] = Math.Exp((scores[_order[i]] - max) / _options.Temperature);
        int keep = _options.TopK > 0 ? Math.Min(_options.TopK, n) : n;
        if (_options.TopP < 1)
        {
            double cumulative = 0;
            for (int i = 0; i < keep; i++)
            {
                cumulative += _probabilities[i] / sum;
                if (cumulative >= _options.TopP) { keep = i + 1; break; }
            }
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) kept += _probabilities[i];
#pragma warning disable CA5394
        double u = _random.NextDouble() * kept;
#pragma warning restore CA5394
        for (int i = 0; i < keep; i++)
        {
            u -= _probabilities[i];
            if (u < 0) return _order[i];
        }
        return _order[keep - 1];
    }
}
