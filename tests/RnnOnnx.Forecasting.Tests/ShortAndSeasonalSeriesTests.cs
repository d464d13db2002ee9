using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Forecasting.Training;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>Series too short for the network, seasonality tests and profiles, and bounded training windows.</summary>
public class ShortAndSeasonalSeriesTests
{
    private sealed class Recorder : IProgress<RnnOnnx.Training.TrainingProgress>
    {
        public List<RnnOnnx.Training.TrainingProgress> Reports { get; } = [];
        public void Report(RnnOnnx.Training.TrainingProgress value) => Reports.Add(value);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 12)]
    [InlineData(20, 24)]
    [InlineData(48, 24)]
    public void A_series_too_short_for_the_network_is_forecast_by_exponential_smoothing_with_intervals(int n, int horizon)
    {
        var y = Seasonal(n);
        var recorder = new Recorder();
        using var model = RnnForecastTrainer.Train(One(y, "s"), Fast(horizon), recorder);
        Assert.Equal(ForecastMethod.Ets, model.MethodOf("s"));
        Assert.Contains(recorder.Reports, r => r.Message is { } m && m.Contains("too short for the network", StringComparison.Ordinal) && m.Contains("exponential smoothing", StringComparison.Ordinal));
        var f = model.Forecast(y, "s", [0.8, 0.95]);
        Assert.Equal(horizon, f.Forecast.Length);
        for (int h = 0; h < horizon; h++)
        {
            Assert.True(float.IsFinite(f.Forecast[h]));
            Assert.True(f.Intervals[1].Lower[h] <= f.Intervals[0].Lower[h] && f.Intervals[0].Lower[h] < f.Forecast[h] && f.Forecast[h] < f.Intervals[0].Upper[h] && f.Intervals[0].Upper[h] <= f.Intervals[1].Upper[h]);
        }
        // The forecast is near the series (not a broken de-scaling) and the model saves, loads and streams the same.
        Assert.InRange(f.Forecast[0], y.Min() * 0.7, y.Max() * 1.3);
        using var loaded = RnnForecastModel.FromBytes(model.OnnxModel, "test");
        Assert.Equal(f.Forecast, loaded.Forecast(y, "s").Forecast);
        Assert.Equal(ForecastMethod.Ets, loaded.MethodOf("s"));
        using var engine = model.CreateEngine(y, "s");
        Assert.Equal(f.Forecast, engine.Predict().Forecast);
        engine.Update(y[^1] * 1.01);
        Assert.Equal(model.Forecast([.. y, y[^1] * 1.01], "s").Forecast, engine.Predict().Forecast);
    }

    [Fact]
    public void In_a_panel_short_series_get_exponential_smoothing_and_long_ones_the_network()
    {
        var longSeries = Seasonal(160, 1);
        var shortSeries = Seasonal(30, 2);
        using var model = RnnForecastTrainer.Train([new ForecastSeries("long", longSeries), new ForecastSeries("short", shortSeries)], Fast(12));
        Assert.Equal(ForecastMethod.Ets, model.MethodOf("short"));
        // The long series trains the network and is judged on the holdout (where it may still go to smoothing); the short one never reaches it.
        Assert.Equal(["long"], model.Report!.Holdout.Keys);
        Assert.Equal(model.Report!.Methods["short"], model.MethodOf("short"));
        Assert.True(model.WindowSize >= 16);
        Assert.Equal(12, model.Forecast(shortSeries, "short").Forecast.Length);
    }

    [Fact]
    public void Fewer_than_three_points_are_refused()
    {
        var e = Assert.Throws<DataException>(() => RnnForecastTrainer.Train(One([1.0, 2.0]), Fast()));
        Assert.Contains("at least 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exponential_smoothing_stream_checkpoints_and_continues_exactly()
    {
        var y = Seasonal(40);
        using var model = RnnForecastTrainer.Train(One(y), Fast(24));
        Assert.Equal(ForecastMethod.Ets, model.MethodOf(""));
        string path = Path.Combine(Path.GetTempPath(), $"ets-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var engine = model.CreateEngine(y);
            engine.Update(y[^1] + 1);
            engine.CheckPoint(path);
            using var resumed = RnnForecastEngine.Load(path);
            foreach (var e in new[] { engine, resumed }) { e.Update(double.NaN); e.Update(y[^2]); }
            Assert.Equal(engine.Predict([0.5, 0.9]).Intervals[1].Upper, resumed.Predict([0.5, 0.9]).Intervals[1].Upper);
            Assert.Equal(43, resumed.Observations);
        }
        finally { File.Delete(path); }
    }

    /// <summary>Older checkpoints are today's (format 4) without trailing fields: format 3 lacks the ETS season and weight (4 + 8 bytes), format 2 also the method, seasons and classical values (4 + 4 + 4 bytes here).</summary>
    [Theory]
    [InlineData('3', 12)]
    [InlineData('2', 24)]
    public void An_older_engine_checkpoint_still_loads(char format, int trailingBytes)
    {
        var y = Seasonal(100);
        using var model = RnnForecastTrainer.Train(One(y), Fast() with { Seasons = [1] });
        string path = Path.Combine(Path.GetTempPath(), $"engine{format}-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var engine = model.CreateEngine(y);
            engine.CheckPoint(path);
            var bytes = File.ReadAllBytes(path);
            bytes["rnnonnx.forecast-engine/4".Length] = (byte)format;   // after the string's one-byte length prefix
            File.WriteAllBytes(path, bytes[..^trailingBytes]);
            using var old = RnnForecastEngine.Load(path, model);
            Assert.Equal(engine.Predict().Forecast, old.Predict().Forecast);
            old.Update(y[^1]);
            engine.Update(y[^1]);
            Assert.Equal(engine.Predict().Upper, old.Predict().Upper);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_long_cycle_without_a_season_gets_no_seasonal_profile_and_a_real_season_does()
    {
        // Sunspot-like: an 11-year (132-month) cycle with noise in monthly data, 600 months.
        var rng = new Random(3);
        var cycle = Enumerable.Range(0, 600).Select(t => 80 + 60 * Math.Sin(2 * Math.PI * t / 132) + 8 * (rng.NextDouble() - 0.5)).ToArray();
        Assert.Empty(SeasonalAdjustment.Significant(cycle, [12]));
        var seasonal = Seasonal(120);
        Assert.Equal([12], SeasonalAdjustment.Significant(seasonal, [12]));
        // Too short for two cycles: not tested, not removed.
        Assert.Empty(SeasonalAdjustment.Significant(seasonal.AsSpan(0, 20), [12]));
    }

    [Fact]
    public void Daily_and_weekly_profiles_of_a_half_hourly_series_are_both_found_and_recovered()
    {
        const int day = 48, week = 336;
        var rng = new Random(5);
        var z = Enumerable.Range(0, 10 * week).Select(t => Math.Sin(2 * Math.PI * t / day) + (t / day % 7 >= 5 ? -0.5 : 0.2) + 0.001 * t + 0.05 * (rng.NextDouble() - 0.5)).ToArray();
        var seasons = SeasonalAdjustment.Significant(z, [day, week]);
        Assert.Equal([day, week], seasons);
        var profiles = SeasonalAdjustment.Profiles(z, seasons);
        // The summed profile reproduces the seasonal pattern (daily sine, weekend drop) within the noise.
        for (int t = 0; t < week; t++)
        {
            double truth = Math.Sin(2 * Math.PI * t / day) + (t / day % 7 >= 5 ? -0.5 : 0.2) - (2 * -0.5 + 5 * 0.2) / 7;
            Assert.InRange(SeasonalAdjustment.At(profiles, seasons, t) - truth, -0.06, 0.06);
        }
    }

    [Fact]
    public void The_stable_seasonality_f_test_matches_the_f_distribution()
    {
        // I_x(a, b) against values from R: pbeta(0.3, 2, 5) = 0.579825, pbeta(0.9, 0.5, 3) = 0.999675.
        Assert.Equal(0.579825, SeasonalAdjustment.RegularizedBeta(0.3, 2, 5), 1e-6);
        Assert.Equal(0.999675, SeasonalAdjustment.RegularizedBeta(0.9, 0.5, 3), 1e-6);
    }

    [Fact]
    public void Training_windows_are_spread_over_a_long_series_and_bounded_for_long_horizons()
    {
        var starts = ForecastWindows.Starts(9999, 100).ToList();
        Assert.Equal(100, starts.Count);
        Assert.Equal(0, starts[0]);
        Assert.Equal(9999, starts[^1]);
        Assert.Equal(starts.Count, starts.Distinct().Count());
        Assert.Equal(Enumerable.Range(9950, 50), starts[50..]);   // the newest half, contiguous
        Assert.True(starts[49] < 9950 && starts[25] > 4000);       // the rest spread over the older starts
        Assert.Equal(Enumerable.Range(0, 10), ForecastWindows.Starts(9, 100));
        // A horizon of 336 with a window of 100: the targets stay within the bound.
        int most = ForecastWindows.PerSeries(1, 100, 336, 1000);
        Assert.True(2L * most * 100 * 336 <= ForecastWindows.MaxTargetValues);
        Assert.True(most >= 100);
    }
}
