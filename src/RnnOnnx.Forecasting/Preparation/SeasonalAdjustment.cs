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
    /// The seasons worth removing from <paramref name="z"/>: at least two full cycles seen, and stable seasonality by
    /// the X-11 F-test (Lothian &amp; Morry 1978; Ladiray &amp; Quenneville 2001, X-11 table D8): a one-way analysis of
    /// variance of the series detrended by a centred moving average of the season's length, grouped by phase t mod m,
    /// significant at 0.1 % as in X-11. Detrending first keeps a long cycle or a trend from passing for a season: a
    /// sunspot-like 11-year cycle in monthly data leaves no month-to-month pattern, so it gets no 12-month profile.
    /// </summary>
    public static int[] Significant(ReadOnlySpan<double> z, IReadOnlyList<int> seasons)
    {
        var kept = new List<int>();
        foreach (int m in seasons.Where(m => m > 1).Distinct().Order())
        {
            if (z.Length < 2 * m) continue;
            var detrended = Detrend(z, m, out int from, out int to);
            if (StableSeasonalityPValue(detrended.AsSpan(from, to - from), from, m) < 0.001) kept.Add(m);
        }
        return [.. kept];
    }

    /// <summary>The p-value of the one-way ANOVA F statistic of <paramref name="x"/> (x[i] at time index offset + i) grouped by phase mod m.</summary>
    internal static double StableSeasonalityPValue(ReadOnlySpan<double> x, int offset, int m)
    {
        int n = x.Length;
        if (n <= m) return 1;
        var sums = new double[m];
        var counts = new int[m];
        double mean = 0;
        for (int i = 0; i < n; i++) { sums[(offset + i) % m] += x[i]; counts[(offset + i) % m]++; mean += x[i] / n; }
        double between = 0, within = 0;
        int groups = 0;
        for (int p = 0; p < m; p++) if (counts[p] > 0) { groups++; double g = sums[p] / counts[p]; between += counts[p] * (g - mean) * (g - mean); }
        for (int i = 0; i < n; i++) { double g = sums[(offset + i) % m] / counts[(offset + i) % m]; within += (x[i] - g) * (x[i] - g); }
        int df1 = groups - 1, df2 = n - groups;
        if (df1 < 1 || df2 < 1) return 1;
        if (within <= 0) return between > 0 ? 0 : 1;
        double f = between / df1 / (within / df2);
        // P(F > f) = I_{df2/(df2 + df1 f)}(df2/2, df1/2) (Abramowitz & Stegun 26.6.2).
        return RegularizedBeta(df2 / (df2 + df1 * f), df2 / 2.0, df1 / 2.0);
    }

    /// <summary>The regularized incomplete beta function I_x(a, b) by its continued fraction (modified Lentz; Press et al., Numerical Recipes, §6.4).</summary>
    internal static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        // The fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
        if (x > (a + 1) / (a + b + 2)) return 1 - RegularizedBeta(1 - x, b, a);
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double h = d;
        for (int k = 1; k <= 300; k++)
        {
            double num = k * (b - k) * x / ((a + 2 * k - 1) * (a + 2 * k));
            d = 1 + num * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            h *= d * c;
            num = -(a + k) * (a + b + k) * x / ((a + 2 * k) * (a + 2 * k + 1));
            d = 1 + num * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            double step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-12) break;
        }
        return front * h / a;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, 9 terms).</summary>
    private static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < 9; i++) sum += g[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
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
