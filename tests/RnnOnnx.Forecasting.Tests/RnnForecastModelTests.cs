using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Preparation;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests;

public class RnnForecastModelTests
{
    [Fact]
    public void Forecast_has_horizon_points_inside_their_intervals_and_is_deterministic_for_a_seed()
    {
        var y = Seasonal(120);
        using var a = RnnForecastTrainer.Train(One(y), Fast());
        using var b = RnnForecastTrainer.Train(One(y), Fast());
        var fa = a.Forecast(y);
        var fb = b.Forecast(y);
        Assert.Equal(6, fa.Forecast.Length);
        Assert.Equal(fa.Forecast, fb.Forecast);
        Assert.Equal(a.OnnxModel, b.OnnxModel);
        for (int i = 0; i < 6; i++) Assert.InRange(fa.Forecast[i], fa.Lower[i], fa.Upper[i]);
        // Intervals widen with the horizon (√h growth of the calibrated half-width).
        Assert.True(fa.Upper[5] - fa.Lower[5] > fa.Upper[0] - fa.Lower[0]);
        // The forecast stays near the series' level (a broken de-scaling would be orders of magnitude off).
        Assert.InRange(fa.Forecast[0], 150, 260);
    }

    [Fact]
    public void A_different_seed_gives_a_different_model()
    {
        var y = Seasonal(120);
        using var a = RnnForecastTrainer.Train(One(y), Fast(seed: 1));
        using var b = RnnForecastTrainer.Train(One(y), Fast(seed: 2));
        Assert.NotEqual(a.Forecast(y).Forecast, b.Forecast(y).Forecast);
    }

    [Fact]
    public void Saved_model_loads_and_forecasts_the_same()
    {
        var y = Seasonal(100);
        using var model = RnnForecastTrainer.Train(One(y), Fast());
        string path = Path.Combine(Path.GetTempPath(), $"fc-{Guid.NewGuid():N}.onnx");
        try
        {
            model.Save(path);
            using var loaded = RnnForecastModel.Load(path);
            Assert.Equal(model.Forecast(y).Forecast, loaded.Forecast(y).Forecast);
            Assert.Equal([12], loaded.Seasons);
            Assert.Equal(6, loaded.Horizon);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Missing_values_are_filled_and_reported()
    {
        var y = Seasonal(100);
        y[10] = double.NaN; y[11] = double.NaN; y[50] = double.NaN;
        using var model = RnnForecastTrainer.Train(One(y), Fast());
        Assert.Equal(3, model.Report!.MissingFilled[""]);
        Assert.All(model.Forecast(y).Forecast, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Interpolation_is_linear_between_neighbours_and_flat_at_the_ends()
    {
        var filled = MissingValues.Fill([double.NaN, 1, double.NaN, double.NaN, 4, double.NaN], "s", out int missing);
        Assert.Equal(4, missing);
        Assert.Equal([1, 1, 2, 3, 4, 4], filled);
    }

    [Fact]
    public void Season_is_detected_from_the_data()
    {
        var y = Seasonal(144);
        Assert.Equal(12, SeasonDetector.Detect(y));
    }

    [Fact]
    public void Several_series_train_one_global_model_each_scaled_on_its_own()
    {
        var small = Seasonal(100, 1);
        var large = Seasonal(100, 2).Select(v => v * 1000).ToArray();
        using var model = RnnForecastTrainer.Train([new ForecastSeries("small", small), new ForecastSeries("large", large)], Fast());
        Assert.Equal(2, model.SeriesKeys.Count);
        Assert.InRange(model.Forecast(small, "small").Forecast[0] / small[^1], 0.6, 1.6);
        Assert.InRange(model.Forecast(large, "large").Forecast[0] / large[^1], 0.6, 1.6);
    }

    [Theory]
    [InlineData(2, "at least 3")]
    public void Bad_series_are_refused_clearly(int n, string message)
    {
        var y = n > 0 ? Seasonal(n) : Enumerable.Repeat(5.0, 80).ToArray();
        var e = Assert.Throws<DataException>(() => RnnForecastTrainer.Train(One(y), Fast()));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_horizon_below_one_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => RnnForecastTrainer.Train(One(Seasonal(80)), Fast(horizon: 0)));
        Assert.Contains("horizon", e.Message, StringComparison.Ordinal);
    }
}
