using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Classical;

namespace RnnOnnx.Forecasting.Tests;

public class ThetaMethodTests
{
    [Fact]
    public void Slope_of_a_line_is_exact()
    {
        var y = Enumerable.Range(0, 20).Select(t => 5 - 0.25 * t).ToArray();
        Assert.Equal(-0.25, ThetaMethod.Slope(y), 12);
    }

    [Fact]
    public void Ses_tracks_a_random_walk_and_averages_white_noise()
    {
        var rng = new Random(3);
        var walk = new double[300];
        for (int t = 1; t < walk.Length; t++) walk[t] = walk[t - 1] + rng.NextDouble() - 0.5;
        var (walkAlpha, walkLevel) = ThetaMethod.FitSes(walk);
        Assert.True(walkAlpha > 0.8, $"alpha {walkAlpha}");
        Assert.InRange(walkLevel, walk[^1] - 0.2, walk[^1] + 0.2);

        var noise = Enumerable.Range(0, 300).Select(_ => 10 + rng.NextDouble() - 0.5).ToArray();
        var (noiseAlpha, noiseLevel) = ThetaMethod.FitSes(noise);
        Assert.True(noiseAlpha < 0.2, $"alpha {noiseAlpha}");
        Assert.InRange(noiseLevel, 9.9, 10.1);
    }

    [Fact]
    public void A_flat_series_with_a_strong_multiplicative_season_is_forecast_as_its_pattern()
    {
        double[] pattern = [0.8, 1.0, 1.3, 0.9];
        var y = Enumerable.Range(0, 40).Select(t => 50 * pattern[t % 4]).ToArray();
        Assert.True(ThetaMethod.IsSeasonal(y, 4));
        var forecast = ThetaMethod.Forecast(y, 4, 8);
        for (int h = 0; h < 8; h++) Assert.Equal(50 * pattern[(40 + h) % 4], forecast[h], 6);
    }

    [Fact]
    public void Drift_is_half_the_slope_as_in_thetaf()
    {
        // A line: SES follows it with α → 1, so the forecast is the last value plus half the slope per step.
        var y = Enumerable.Range(0, 50).Select(t => 2.0 * t).ToArray();
        var forecast = ThetaMethod.Forecast(y, 1, 3);
        for (int h = 1; h <= 3; h++) Assert.Equal(98 + h, forecast[h - 1], 1);
    }

    [Fact]
    public void Reproduces_rs_thetaf_on_air_passengers()
    {
        // BASELINES.md (R forecast 8.20): thetaf's MASE on the last 24 months, fitted on the first 120, is 2.212.
        var values = File.ReadLines(Path.Combine(Root(), "data", "forecast", "AirPassengers.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var training = values[..^24];
        var forecast = ThetaMethod.Forecast(training, 12, 24).Select(v => (float)v).ToArray();
        Assert.Equal(2.212, ForecastAccuracy.Mase(training, values[^24..], forecast, 12), 2);
    }

    [Fact]
    public void Too_short_a_series_is_refused()
    {
        var e = Assert.Throws<DataException>(() => ThetaMethod.Forecast([1.0, 2.0], 1, 3));
        Assert.Contains("at least 3", e.Message);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RnnOnnx.sln"))) return dir.FullName;
        throw new InvalidOperationException("RnnOnnx.sln not found");
    }
}
