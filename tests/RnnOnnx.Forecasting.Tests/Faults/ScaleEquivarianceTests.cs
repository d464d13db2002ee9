using RnnOnnx.Forecasting;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests.Faults;

/// <summary>Issue #15: forecasting c·y gives c·forecast (1e-30 ≤ c ≤ 1e30), and out-of-range magnitudes are refused, never Infinity or zeros.</summary>
public class ScaleEquivarianceTests
{
    private static readonly double[] Base = Seasonal(60);

    private static RnnForecast Forecast(double c, double[]? values = null)
    {
        var y = (values ?? Base).Select(v => v * c).ToArray();
        var options = Fast(horizon: 3) with { Epochs = 3, EnsembleSize = 1 };
        using var model = RnnForecastTrainer.Train(One(y), options);
        return model.Forecast(y);
    }

    [Theory]
    [InlineData(1e-30)]
    [InlineData(1e-10)]
    [InlineData(1e10)]
    [InlineData(1e30)]
    public void Scaling_the_series_scales_the_forecast(double c)
    {
        var reference = Forecast(1);
        var scaled = Forecast(c);
        for (int h = 0; h < reference.Forecast.Length; h++)
        {
            Assert.True(float.IsFinite(scaled.Forecast[h]) && scaled.Forecast[h] != 0, $"c={c}: forecast {scaled.Forecast[h]}");
            Assert.Equal(1.0, scaled.Forecast[h] / c / reference.Forecast[h], 3);
            Assert.Equal(1.0, scaled.Lower[h] / c / reference.Lower[h], 3);
            Assert.Equal(1.0, scaled.Upper[h] / c / reference.Upper[h], 3);
        }
    }

    [Fact]
    public void Series_with_negative_values_scale_too()
    {
        var centred = Base.Select(v => v - 150).ToArray();
        var reference = Forecast(1, centred);
        var scaled = Forecast(1e20, centred);
        for (int h = 0; h < reference.Forecast.Length; h++)
            Assert.Equal(1.0, scaled.Forecast[h] / 1e20 / reference.Forecast[h], 3);
    }

    [Theory]
    [InlineData(1e300)]
    [InlineData(1e-300)]
    public void Magnitudes_float32_cannot_hold_are_refused_with_the_reason(double c)
    {
        var e = Assert.Throws<DataException>(() => Forecast(c));
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
        Assert.Contains("rescale", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_constant_series_is_forecast_as_that_value()
    {
        foreach (double c in new[] { 5.0, -3.0, 0.0 })
        {
            var f = Forecast(1, Enumerable.Repeat(c, 60).ToArray());
            Assert.All(f.Forecast, v => Assert.Equal(c, v));
            Assert.All(f.Lower, v => Assert.Equal(c, v, 1e-6));
            Assert.All(f.Upper, v => Assert.Equal(c, v, 1e-6));
        }
    }
}
