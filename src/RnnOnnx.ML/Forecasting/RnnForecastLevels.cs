using RnnOnnx.Forecasting;

namespace RnnOnnx.ML.Forecasting;

/// <summary>The one place the ML.NET layer asks the engine for its levels' intervals and picks a bound.</summary>
internal static class RnnForecastLevels
{
    // TODO(levels API): engine.Predict(levels) and forecast.Intervals[level] once they are on main; until then one level, the model's.
    public static RnnForecast Predict(RnnForecastEngine engine, IReadOnlyList<double> levels) => engine.Predict();

    public static float[] Bound(RnnForecast forecast, int level, bool upper) => upper ? forecast.Upper : forecast.Lower;
}
