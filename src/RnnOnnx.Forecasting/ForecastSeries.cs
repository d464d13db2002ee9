namespace RnnOnnx.Forecasting;

/// <summary>One series to train a forecaster on.</summary>
/// <param name="Key">The series' key (each series is scaled on its own and forecast by its key); "" for a single series.</param>
/// <param name="Values">The observations, oldest first; NaN marks a missing value (filled by linear interpolation, with a warning).</param>
public sealed record ForecastSeries(string Key, IReadOnlyList<double> Values)
{
    /// <summary>A single unnamed series (key "").</summary>
    /// <param name="values">The observations, oldest first; NaN marks a missing value.</param>
    public ForecastSeries(IReadOnlyList<double> values) : this("", values) { }
}
