namespace RnnOnnx.Forecasting.Classical;

/// <summary>
/// The Theta method (Assimakopoulos &amp; Nikolopoulos, 2000) in the form Hyndman &amp; Billah (2003) showed it to be and
/// R's <c>forecast::thetaf</c> computes: simple exponential smoothing (α and the initial level fitted by least
/// squares) plus a drift of half the series' least-squares slope. When <c>season</c> &gt; 1 and the lag-season
/// autocorrelation is significant at 90 %, the series is first seasonally adjusted by classical multiplicative
/// decomposition (additive if a value is ≤ 0) and the forecast re-seasonalised. It won the M3 competition and is the
/// panel's best classical method, which makes it the natural partner for the network in a combination.
/// </summary>
public static class ThetaMethod
{
    /// <summary>The next <paramref name="horizon"/> values after the gap-free series <paramref name="y"/>.</summary>
    /// <exception cref="DataException">Fewer than 3 values.</exception>
    public static double[] Forecast(ReadOnlySpan<double> y, int season, int horizon)
    {
        int n = y.Length;
        if (n < 3) throw new DataException($"The theta method needs at least 3 values, got {n}.");
        var seasonal = season > 1 && n >= 2 * season && IsSeasonal(y, season) ? SeasonalIndices(y, season) : null;
        bool multiplicative = seasonal is not null && AllPositive(y);
        var adjusted = new double[n];
        for (int t = 0; t < n; t++) adjusted[t] = seasonal is null ? y[t] : multiplicative ? y[t] / seasonal[t % season] : y[t] - seasonal[t % season];

        var (alpha, level) = FitSes(adjusted);
        double drift = Slope(adjusted) / 2;
        double start = (1 - Math.Pow(1 - alpha, n)) / alpha;
        var forecast = new double[horizon];
        for (int h = 1; h <= horizon; h++)
        {
            double f = level + drift * (h - 1 + start);
            int position = (n + h - 1) % Math.Max(1, season);
            forecast[h - 1] = seasonal is null ? f : multiplicative ? f * seasonal[position] : f + seasonal[position];
        }
        return forecast;
    }

    private static bool AllPositive(ReadOnlySpan<double> y)
    {
        foreach (var v in y) if (v <= 0) return false;
        return true;
    }

    /// <summary>thetaf's test: |r_m| exceeds 1.645 × its standard error under the hypothesis of no autocorrelation beyond lag m − 1.</summary>
    internal static bool IsSeasonal(ReadOnlySpan<double> y, int season)
    {
        int n = y.Length;
        double mean = 0;
        foreach (var v in y) mean += v / n;
        double variance = 0;
        foreach (var v in y) variance += (v - mean) * (v - mean);
        if (variance <= 0) return false;
        double sumSquares = 0, r = 0;
        for (int lag = 1; lag <= season; lag++)
        {
            double s = 0;
            for (int t = lag; t < n; t++) s += (y[t] - mean) * (y[t - lag] - mean);
            r = s / variance;
            if (lag < season) sumSquares += r * r;
        }
        return Math.Abs(r) / Math.Sqrt((1 + 2 * sumSquares) / n) > 1.6448536269514722;
    }

    /// <summary>Classical decomposition's seasonal indices (position t mod m): averages of y over a centred moving average, normalised to mean 1 (multiplicative) or 0 (additive).</summary>
    internal static double[] SeasonalIndices(ReadOnlySpan<double> y, int season)
    {
        int n = y.Length, half = season / 2;
        bool multiplicative = AllPositive(y);
        var sums = new double[season];
        var counts = new int[season];
        for (int t = half; t < n - half; t++)
        {
            // Centred moving average: m points when m is odd, 2×m (half weights at both ends) when m is even.
            double trend = 0;
            if (season % 2 == 1) { for (int j = -half; j <= half; j++) trend += y[t + j]; trend /= season; }
            else { for (int j = -half + 1; j < half; j++) trend += y[t + j]; trend = (trend + (y[t - half] + y[t + half]) / 2) / season; }
            sums[t % season] += multiplicative ? y[t] / trend : y[t] - trend;
            counts[t % season]++;
        }
        var index = new double[season];
        for (int p = 0; p < season; p++) index[p] = sums[p] / counts[p];
        double centre = index.Average();
        for (int p = 0; p < season; p++) index[p] = multiplicative ? index[p] / centre : index[p] - centre;
        return index;
    }

    /// <summary>
    /// Least-squares SES: for a given α the one-step errors are linear in the initial level, so that level has a closed
    /// form; α is found by golden-section search on the sum of squared errors. Returns α and the last smoothed level.
    /// </summary>
    internal static (double Alpha, double Level) FitSes(ReadOnlySpan<double> y)
    {
        var data = y.ToArray();
        double Sse(double alpha, out double level) => Smooth(data, alpha, out level);
        double lo = 1e-4, hi = 0.9999, ratio = (Math.Sqrt(5) - 1) / 2;
        double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
        double fa = Sse(a, out _), fb = Sse(b, out _);
        for (int i = 0; i < 60; i++)
        {
            if (fa <= fb) { hi = b; b = a; fb = fa; a = hi - ratio * (hi - lo); fa = Sse(a, out _); }
            else { lo = a; a = b; fa = fb; b = lo + ratio * (hi - lo); fb = Sse(b, out _); }
        }
        double best = (lo + hi) / 2;
        Sse(best, out double last);
        return (best, last);
    }

    /// <summary>SSE of SES with the least-squares initial level; <paramref name="level"/> is the level after the last value.</summary>
    private static double Smooth(double[] y, double alpha, out double level)
    {
        // With l₀ = 0 the error at t is a_t; each unit of l₀ lowers it by (1 − α)^t.
        double l = 0, decay = 1, ac = 0, cc = 0;
        var a = new double[y.Length];
        for (int t = 0; t < y.Length; t++)
        {
            a[t] = y[t] - l;
            ac += a[t] * decay; cc += decay * decay;
            l += alpha * a[t];
            decay *= 1 - alpha;
        }
        double l0 = cc > 0 ? ac / cc : y[0];
        double sse = 0;
        decay = 1;
        for (int t = 0; t < y.Length; t++) { double e = a[t] - decay * l0; sse += e * e; decay *= 1 - alpha; }
        level = l + decay * l0;
        return sse;
    }

    /// <summary>Least-squares slope of y on t = 0..n−1.</summary>
    internal static double Slope(ReadOnlySpan<double> y)
    {
        int n = y.Length;
        double tMean = (n - 1) / 2.0, yMean = 0;
        foreach (var v in y) yMean += v / n;
        double num = 0, den = 0;
        for (int t = 0; t < n; t++) { num += (t - tMean) * (y[t] - yMean); den += (t - tMean) * (t - tMean); }
        return num / den;
    }
}
