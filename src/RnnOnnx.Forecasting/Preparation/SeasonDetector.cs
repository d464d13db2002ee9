namespace RnnOnnx.Forecasting.Preparation;

/// <summary>
/// Finds a season length from the sample autocorrelation of the first differences: the lag in [2, n/3] (at most 60)
/// with the largest autocorrelation, if that exceeds the 95 % white-noise band 1.96/√n by a margin, and is a local peak.
/// </summary>
internal static class SeasonDetector
{
    public static int Detect(ReadOnlySpan<double> z)
    {
        int n = z.Length - 1;
        if (n < 12) return 1;
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = z[i + 1] - z[i];
        double mean = d.Average(), variance = d.Sum(v => (v - mean) * (v - mean));
        if (variance <= 0) return 1;
        int maxLag = Math.Min(60, n / 3);
        var acf = new double[maxLag + 2];
        for (int lag = 1; lag <= Math.Min(maxLag + 1, n - 1); lag++)
        {
            double s = 0;
            for (int i = lag; i < n; i++) s += (d[i] - mean) * (d[i - lag] - mean);
            acf[lag] = s / variance;
        }
        int best = 1;
        double bestValue = 2.5 / Math.Sqrt(n);
        for (int lag = 2; lag <= maxLag; lag++)
            if (acf[lag] > bestValue && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1]) (best, bestValue) = (lag, acf[lag]);
        return best;
    }
}
