using RnnOnnx.Forecasting;

namespace RnnOnnx.ML.Forecasting;

/// <summary>The one place the ML.NET layer asks the engine for its levels' intervals and picks a bound.</summary>
internal static class RnnForecastLevels
{
    public static RnnForecast Predict(RnnForecastEngine engine, IReadOnlyList<double> levels) => engine.Predict(levels);

    public static float[] Bound(RnnForecast forecast, int level, bool upper) => upper ? forecast.Intervals[level].Upper : forecast.Intervals[level].Lower;
}
