namespace RnnOnnx.Forecasting;

/// <summary>The M-competition accuracy measures; missing (NaN) actual values are skipped.</summary>
public static class ForecastAccuracy
{
    /// <summary>
    /// Mean absolute scaled error (Hyndman &amp; Koehler, 2006): MAE of the forecast divided by the in-sample MAE of
    /// the seasonal naive forecast, mean |y_t − y_{t−m}| over the (gap-filled) training series (lag 1 when m = 1).
    /// </summary>
    public static double Mase(IReadOnlyList<double> training, IReadOnlyList<double> actual, IReadOnlyList<float> forecast, int season) =>
        Pairs(actual, forecast).Average(p => Math.Abs(p.Y - p.F)) / MaseScale(training, season);

    /// <summary>MASE's denominator: the in-sample seasonal naive MAE, mean |y_t − y_{t−m}| (lag 1 when m ≤ 1); 0 for a constant series.</summary>
    internal static double MaseScale(IReadOnlyList<double> training, int season)
    {
        int m = Math.Max(1, season);
        double scale = 0;
        for (int t = m; t < training.Count; t++) scale += Math.Abs(training[t] - training[t - m]);
        return scale / (training.Count - m);
    }

    /// <summary>Symmetric MAPE in 0..200: mean of 200|y − f| / (|y| + |f|).</summary>
    public static double Smape(IReadOnlyList<double> actual, IReadOnlyList<float> forecast) =>
        Pairs(actual, forecast).Average(p => Smape(p.Y, p.F));

    /// <summary>One point's sMAPE term, 200|y − f| / (|y| + |f|); 0 when both are 0 (a perfect forecast of zero, not 0/0).</summary>
    internal static double Smape(double y, double f) => y == 0 && f == 0 ? 0 : 200 * Math.Abs(y - f) / (Math.Abs(y) + Math.Abs(f));

    /// <summary>Share of actual values inside [lower, upper].</summary>
    public static double Coverage(IReadOnlyList<double> actual, RnnForecast forecast) =>
        Enumerable.Range(0, actual.Count).Where(i => double.IsFinite(actual[i]))
            .Average(i => actual[i] >= forecast.Lower[i] && actual[i] <= forecast.Upper[i] ? 1.0 : 0.0);

    private static IEnumerable<(double Y, double F)> Pairs(IReadOnlyList<double> actual, IReadOnlyList<float> forecast) =>
        Enumerable.Range(0, actual.Count).Where(i => double.IsFinite(actual[i])).Select(i => (actual[i], (double)forecast[i]));
}
