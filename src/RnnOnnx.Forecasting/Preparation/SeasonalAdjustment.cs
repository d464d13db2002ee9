namespace RnnOnnx.Forecasting.Preparation;

/// <summary>
/// Seasonal profiles of a (transformed) series, removed before the network and added back to its forecasts, as in
/// ES-RNN (Smyl, 2020) and LSTM-MSNet (Bandara, Bergmeir &amp; Hewamalage, 2021). On z = log y an additive profile is
/// a multiplicative season. Several seasons are estimated the way MSTL does it (Bandara, Hyndman &amp; Bergmeir, 2021):
/// shortest first, each from the series with the other profiles removed, detrended by a centred moving average of its
/// own length (classical decomposition), averaged per phase t mod m and centred on zero; two passes.
/// </summary>
internal static class SeasonalAdjustment
{
    /// <summary>
    /// The seasons worth removing from <paramref name="z"/>: at least two full cycles seen, and significant by
    /// thetaf's 90 % test (Hyndman &amp; Billah 2003; R's <c>forecast::thetaf</c>) applied to the series detrended by
    /// a centred moving average of the season's length. Detrending first keeps a long cycle or a trend (whose
    /// autocorrelation is high at every lag) from passing for a season: a sunspot-like 11-year cycle in monthly data
    /// is not given a 12-month profile.
    /// </summary>
    public static int[] Significant(ReadOnlySpan<double> z, IReadOnlyList<int> seasons)
    {
        var kept = new List<int>();
        foreach (int m in seasons.Where(m => m > 1).Distinct().Order())
        {
            if (z.Length < 2 * m) continue;
            var detrended = Detrend(z, m, out int from, out int to);
            if (Classical.ThetaMethod.IsSeasonal(detrended.AsSpan(from, to - from), m)) kept.Add(m);
        }
        return [.. kept];
    }

    /// <summary>One profile per season (each of its length, mean zero), MSTL-style; <paramref name="seasons"/> ascending, each at most n/2.</summary>
    public static double[][] Profiles(ReadOnlySpan<double> z, int[] seasons)
    {
        var profiles = seasons.Select(m => new double[m]).ToArray();
        if (seasons.Length == 0) return profiles;
        var rest = new double[z.Length];
        for (int pass = 0; pass < 2; pass++)
            for (int k = 0; k < seasons.Length; k++)
            {
                int m = seasons[k];
                for (int t = 0; t < z.Length; t++)
                {
                    rest[t] = z[t];
                    for (int j = 0; j < seasons.Length; j++) if (j != k) rest[t] -= profiles[j][t % seasons[j]];
                }
                var detrended = Detrend(rest, m, out int from, out int to);
                var sums = new double[m];
                var counts = new int[m];
                for (int t = from; t < to; t++) { sums[t % m] += detrended[t]; counts[t % m]++; }
                for (int p = 0; p < m; p++) profiles[k][p] = counts[p] > 0 ? sums[p] / counts[p] : 0;
                double centre = profiles[k].Average();
                for (int p = 0; p < m; p++) profiles[k][p] -= centre;
            }
        return profiles;
    }

    /// <summary>The summed seasonal component at time index <paramref name="t"/> (0 = the first point the profiles were estimated on).</summary>
    public static double At(double[][] profiles, int[] seasons, long t)
    {
        double s = 0;
        for (int k = 0; k < seasons.Length; k++) s += profiles[k][(int)(t % seasons[k])];
        return s;
    }

    /// <summary>y minus its centred moving average of length m (2×m with half weights at the ends when m is even); valid on [from, to).</summary>
    private static double[] Detrend(ReadOnlySpan<double> y, int m, out int from, out int to)
    {
        int n = y.Length, half = m / 2;
        var result = new double[n];
        (from, to) = (half, n - half);
        if (to <= from) return result;
        // Running sums keep this O(n) for long seasons (336 half-hours).
        var prefix = new double[n + 1];
        for (int t = 0; t < n; t++) prefix[t + 1] = prefix[t] + y[t];
        for (int t = from; t < to; t++)
        {
            double trend = m % 2 == 1
                ? (prefix[t + half + 1] - prefix[t - half]) / m
                : ((prefix[t + half] - prefix[t - half + 1]) + (y[t - half] + y[t + half]) / 2) / m;
            result[t] = y[t] - trend;
        }
        return result;
    }
}
