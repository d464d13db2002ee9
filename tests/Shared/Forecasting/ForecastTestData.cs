using RnnOnnx.Forecasting;
namespace RnnOnnx.Tests;

/// <summary>Small series and fast options for the forecasting tests.</summary>
internal static class ForecastTestData
{
    /// <summary>A trending seasonal series (period 12) with a little deterministic noise, all positive.</summary>
    public static double[] Seasonal(int n, int seed = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(t => 100 + 0.8 * t + 15 * Math.Sin(2 * Math.PI * t / 12) + rng.NextDouble() * 3).ToArray();
    }

    public static RnnForecastOptions Fast(int horizon = 6, int seed = 7) => new()
    {
        Horizon = horizon, Seasons = [12], Units = 8, Epochs = 15, EnsembleSize = 2, Seed = seed, EarlyStoppingPatience = 5, MaxWindowsPerSeries = 60,
    };

    public static ForecastSeries[] One(double[] values, string key = "") => [new ForecastSeries(key, values)];
}
