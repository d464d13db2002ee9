using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Classical;
using RnnOnnx.Forecasting.Training;
using RnnOnnx.Runtime;
using RnnOnnx.Tests;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>Exponential smoothing (ETS), its optimiser, and how the forecaster uses it: short series, and series where it beats the network on the holdout.</summary>
public class ExponentialSmoothingTests
{
    [Fact]
    public void Nelder_mead_finds_the_minimum_of_rosenbrocks_valley()
    {
        var x = NelderMead.Minimize(p => 100 * Math.Pow(p[1] - p[0] * p[0], 2) + Math.Pow(1 - p[0], 2), [-1.2, 1.0], 0.5, 4000);
        Assert.Equal(1, x[0], 3);
        Assert.Equal(1, x[1], 3);
    }

    [Fact]
    public void A_noiseless_trend_and_season_is_forecast_almost_exactly()
    {
        static double Truth(int t) => 5 + 0.03 * t + 0.4 * Math.Sin(2 * Math.PI * t / 12) + 0.1 * Math.Cos(4 * Math.PI * t / 12);
        var y = Enumerable.Range(0, 96).Select(Truth).ToArray();
        var fit = EtsMethod.Fit(y, 12);
        Assert.Equal(12, fit.Period);
        Assert.NotEqual(EtsTrend.None, fit.Trend);
        var forecast = EtsMethod.Forecast(y, 12, 24);
        for (int h = 1; h <= 24; h++) Assert.Equal(Truth(95 + h), forecast[h - 1], 2);
    }

    [Theory]
    [InlineData(1e-30)]
    [InlineData(1e30)]
    public void The_fit_does_not_depend_on_the_units_of_the_series(double unit)
    {
        var y = Seasonal(40);
        var f = EtsMethod.Forecast(y, 12, 6);
        var scaled = EtsMethod.Forecast(y.Select(v => v * unit).ToArray(), 12, 6);
        for (int h = 0; h < 6; h++) Assert.Equal(f[h], scaled[h] / unit, 1e-6 * Math.Abs(f[h]));
    }

    [Fact]
    public void White_noise_gets_neither_trend_nor_season_and_a_flat_forecast_near_its_mean()
    {
        var rng = new Random(11);
        var y = Enumerable.Range(0, 120).Select(_ => 10 + rng.NextDouble() - 0.5).ToArray();
        var fit = EtsMethod.Fit(y, 12);
        Assert.Equal(1, fit.Period);
        Assert.Equal(EtsTrend.None, fit.Trend);
        var forecast = EtsMethod.Forecast(y, 12, 6);
        Assert.All(forecast, f => Assert.Equal(forecast[0], f, 12));
        Assert.InRange(forecast[0], 9.8, 10.2);
    }

    [Fact]
    public void A_constant_series_is_forecast_as_that_constant_exactly_and_fewer_than_three_values_are_refused()
    {
        Assert.All(EtsMethod.Forecast([4.25, 4.25, 4.25, 4.25], 1, 5), f => Assert.Equal(4.25, f));
        var e = Assert.Throws<DataException>(() => EtsMethod.Forecast([1.0, 2.0], 1, 3));
        Assert.Contains("at least 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chosen_model_has_the_lowest_aicc_of_the_candidates_and_fits_at_least_as_well_as_simple_smoothing()
    {
        var y = Seasonal(60).Select(v => Math.Log(v)).ToArray();
        var best = EtsMethod.Fit(y, 12);
        var simple = EtsMethod.Fit(y, 1);   // season 1: only the three non-seasonal candidates
        Assert.True(best.Aicc <= simple.Aicc);
        Assert.True(best.Run(y) <= simple.Run(y) * (1 + 1e-9));
    }

    [Fact]
    public void The_baseline_runs_on_logs_of_a_positive_series_and_on_the_values_otherwise()
    {
        var y = Seasonal(60);
        Assert.Equal(EtsMethod.Forecast(y.Select(v => Math.Log(v)).ToArray(), 12, 6).Select(Math.Exp), EtsMethod.Baseline(y, 12, 6));
        var shifted = y.Select(v => v - 150).ToArray();   // some values ≤ 0: no log
        Assert.Equal(EtsMethod.Forecast(shifted, 12, 6), EtsMethod.Baseline(shifted, 12, 6));
        // A season longer than ETS takes is left out, as in R.
        Assert.Equal(EtsMethod.Forecast(y.Select(v => Math.Log(v)).ToArray(), 1, 6).Select(Math.Exp), EtsMethod.Baseline(y, 48, 6));
    }

    [Fact]
    public void Rolling_origin_scores_cover_every_origin_and_step_inside_the_history()
    {
        var y = Seasonal(50).Select(v => Math.Log(v)).ToArray();
        var scores = new List<double>();
        EtsMethod.Fit(y, 12).Run(y, scores, 30, 6, 1);
        int expected = Enumerable.Range(30, 50 - 1 - 30).Sum(o => Math.Min(6, 49 - o));
        Assert.Equal(expected, scores.Count);
        Assert.All(scores, s => Assert.True(s >= 0 && double.IsFinite(s)));
    }

    [Fact]
    public void On_air_passengers_logs_it_beats_the_seasonal_naive_forecast_by_far()
    {
        // BASELINES.md: the seasonal naive forecast's MASE on the last 24 months is 2.494 (R's ets: 2.212).
        var values = File.ReadLines(Repository.File("data", "forecast", "AirPassengers.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var training = values[..^24];
        var forecast = EtsMethod.Forecast(training.Select(v => Math.Log(v)).ToArray(), 12, 24).Select(v => (float)Math.Exp(v)).ToArray();
        Assert.InRange(ForecastAccuracy.Mase(training, values[^24..], forecast, 12), 0, 1.0);
    }

    [Fact]
    public void Each_network_series_keeps_the_network_unless_exponential_smoothing_was_clearly_better_on_the_holdout_then_blends_both()
    {
        // A seasonal series, and one whose trend turned: up for 100 quarters, then down for 40 (the network adds the
        // whole history's mean change; smoothing follows the new slope).
        var rng = new Random(4);
        var turned = Enumerable.Range(0, 140).Select(t => 500 + (t < 100 ? 2.0 * t : 200 - 3.0 * (t - 100)) + 10 * Math.Sin(Math.PI * t / 2) + rng.NextDouble()).ToArray();
        var seasonal = Seasonal(140, 3);
        using var model = RnnForecastTrainer.Train([new ForecastSeries("turned", turned), new ForecastSeries("seasonal", seasonal)], Fast(8) with { Seasons = [4] });
        var holdout = model.Report!.Holdout;
        Assert.Equal(["seasonal", "turned"], holdout.Keys.Order());
        foreach (var (key, scores) in holdout)
        {
            Assert.True(double.IsFinite(scores.Network) && double.IsFinite(scores.Ets) && scores.Network > 0 && scores.Ets > 0);
            Assert.Equal(scores.Ets < 0.8 * scores.Network ? ForecastMethod.Blend : ForecastMethod.Network, model.MethodOf(key));
        }
        Assert.Equal(ForecastMethod.Blend, model.MethodOf("turned"));
        var (net, ets) = (holdout["turned"].Network, holdout["turned"].Ets);
        double w = net * net / (net * net + ets * ets);
        Assert.Equal(w, model.Config.Methods["turned"].EtsWeight, 12);

        // The blend is (1 − w) × the network + w × smoothing in logs (a removed season-4 profile cancels: the network's
        // adjusted forecast gets it back, and smoothing keeps that season in its own state), with the network's own
        // forecast (the same weights under --method network) and smoothing's on log y.
        var f = model.Forecast(turned, "turned").Forecast;
        using var networkOnly = RnnForecastTrainer.Train([new ForecastSeries("turned", turned), new ForecastSeries("seasonal", seasonal)], Fast(8) with { Seasons = [4], Method = ForecastMethodChoice.Network });
        Assert.Equal(ForecastMethod.Network, networkOnly.MethodOf("turned"));
        var n = networkOnly.Forecast(turned, "turned").Forecast;
        var method = model.Config.Methods["turned"];
        Assert.Equal(4, method.EtsSeason);
        var z = turned.Select(v => Math.Log(v)).ToArray();
        var e = EtsMethod.Forecast(z, method.EtsSeason, 8);
        for (int h = 0; h < 8; h++)
            Assert.Equal(Math.Exp((1 - w) * Math.Log(n[h]) + w * e[h]), f[h], 1e-3 * f[h]);
        // It follows the downward slope; the model file keeps the choice; the engine streams the same numbers.
        Assert.True(f[^1] < turned[^1] - 10, $"forecast {f[^1]} should continue the fall from {turned[^1]}");
        using var loaded = RnnForecastModel.FromBytes(model.OnnxModel, "test");
        Assert.Equal(ForecastMethod.Blend, loaded.MethodOf("turned"));
        Assert.Equal(f, loaded.Forecast(turned, "turned").Forecast);
        using var engine = loaded.CreateEngine(turned, "turned");
        Assert.Equal(f, engine.Predict().Forecast, new ToleranceComparer(1e-4f));
        engine.Update(turned[^1] - 3);
        Assert.Equal(loaded.Forecast([.. turned, turned[^1] - 3], "turned").Forecast, engine.Predict().Forecast, new ToleranceComparer(1e-4f));
    }

    [Fact]
    public void A_blend_stream_checkpoints_and_continues_exactly()
    {
        var rng = new Random(4);
        var turned = Enumerable.Range(0, 140).Select(t => 500 + (t < 100 ? 2.0 * t : 200 - 3.0 * (t - 100)) + 10 * Math.Sin(Math.PI * t / 2) + rng.NextDouble()).ToArray();
        using var model = RnnForecastTrainer.Train([new ForecastSeries("turned", turned)], Fast(8) with { Seasons = [4] });
        Assert.Equal(ForecastMethod.Blend, model.MethodOf("turned"));
        string path = Path.Combine(Path.GetTempPath(), $"blend-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var engine = model.CreateEngine(turned, "turned");
            engine.Update(turned[^1] - 2);
            engine.CheckPoint(path);
            using var resumed = RnnForecastEngine.Load(path);
            foreach (var s in new[] { engine, resumed }) { s.Update(double.NaN); s.Update(turned[^2]); }
            Assert.Equal(engine.Predict([0.8]).Intervals[0].Upper, resumed.Predict([0.8]).Intervals[0].Upper);
            Assert.Equal(engine.Predict().Forecast, resumed.Predict().Forecast);
        }
        finally { File.Delete(path); }
    }

    /// <summary>Relative float comparison (the engine's step graph and the full forecast differ in float rounding).</summary>
    private sealed class ToleranceComparer(float relative) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= relative * Math.Max(Math.Abs(x), Math.Abs(y));
        public int GetHashCode(float obj) => 0;
    }

    [Theory]
    [InlineData("\"ets_weight\":0", "\"ets_weight\":1.5", "ETS weight 1.5")]
    [InlineData("\"ets_season\":12", "\"ets_season\":48", "ETS season 48")]
    [InlineData("\"classical\":\"ets\"", "\"classical\":\"network\"", "classical method")]
    public void A_config_with_an_impossible_ets_field_is_refused_naming_it(string field, string corrupt, string message)
    {
        var y = Seasonal(30);
        using var model = RnnForecastTrainer.Train(One(y, "s"), Fast(12));
        var json = model.Config.ToJson();
        Assert.Contains(field, json, StringComparison.Ordinal);
        var e = Assert.Throws<ModelFileException>(() => ForecastConfig.Parse(json.Replace(field, corrupt, StringComparison.Ordinal), "'m.onnx'"));
        Assert.Contains("'m.onnx'", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_file_from_before_exponential_smoothing_still_forecasts_its_short_series_by_theta()
    {
        var y = Seasonal(30);
        using var model = RnnForecastTrainer.Train(One(y, "s"), Fast(12));
        Assert.Equal(ForecastMethod.Ets, model.MethodOf("s"));
        // The config as written before ETS: methods "theta", profiles for every significant season, no "classical".
        var json = model.Config.ToJson().Replace("\"method\":\"ets\"", "\"method\":\"theta\"", StringComparison.Ordinal).Replace(",\"classical\":\"ets\"", "", StringComparison.Ordinal);
        var old = ForecastConfig.Parse(json, "test");
        Assert.Equal(ForecastMethod.Theta, old.Classical);
        using var theta = new RnnForecastModel(model.OnnxModel, old, ExecutionProvider.Cpu, null);
        Assert.Equal(ForecastMethod.Theta, theta.MethodOf("s"));
        Assert.Equal(ForecastMethod.Theta, theta.MethodOf("unseen"));
        var z = y.Select(v => Math.Log(v)).ToArray();
        var expected = ThetaMethod.Forecast(z, 1, 12).Select(v => (float)Math.Exp(v)).ToArray();
        Assert.Equal(expected, theta.Forecast(y, "s").Forecast);
    }
}
