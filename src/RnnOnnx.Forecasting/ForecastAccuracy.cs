namespace RnnOnnx.Forecasting;

/// <summary>The M-competition accuracy measures; missing (NaN) actual values are skipped.</summary>
public static class ForecastAccuracy
{
    /// <summary>
    /// Mean absolute scaled error (Hyndman &amp; Koehler, 2006): MAE of the forecast divided by the in-sample MAE of
    /// the seasonal naive forecast, mean |y_t − y_{t−m}| over the (gap-filled) training series (lag 1 when m = 1).
    /// </summary>
    public static double Mase(IReadOnlyList<double> training, IReadOnlyList<double> actual, IReadOnlyList<float> forecast, int season)
    {
        int m = Math.Max(1, season);
        double scale = 0;
        for (int t = m; t < training.Count; t++) scale += Math.Abs(training[t] - training[t - m]);
        scale /= training.Count - m;
        return Pairs(actual, forecast).Average(p => Math.Abs(p.Y - p.F)) / scale;
    }

    /// <summary>Symmetric MAPE in 0..200: mean of 200|y − f| / (|y| + |f|).</summary>
    public static double Smape(IReadOnlyList<double> actual, IReadOnlyList<float> forecast) =>
        Pairs(actual, forecast).Average(p => 200 * Math.Abs(p.Y - p.F) / (Math.Abs(p.Y) + Math.Abs(p.F)));

    /// <summary>Share of actual values inside [lower, upper].</summary>
    public static double Coverage(IReadOnlyList<double> actual, RnnForecast forecast) =>
        Enumerable.Range(0, actual.Count).Where(i => double.IsFinite(actual[i]))
            .Average(i => actual[i] >= forecast.Lower[i] && actual[i] <= forecast.Upper[i] ? 1.0 : 0.0);

    private static IEnumerable<(double Y, double F)> Pairs(IReadOnlyList<double> actual, IReadOnlyList<float> forecast) =>
        Enumerable.Range(0, actual.Count).Where(i => double.IsFinite(actual[i])).Select(i => (actual[i], (double)forecast[i]));
}
