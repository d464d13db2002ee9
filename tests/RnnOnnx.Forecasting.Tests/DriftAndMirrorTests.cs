using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Forecasting.Training;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>The network learns drift-free dynamics from mirrored windows; the scaler's drift supplies the trend.</summary>
public class DriftAndMirrorTests
{
    [Fact]
    public void Drift_is_the_mean_scaled_change_per_step()
    {
        // Changes alternate +3 and −1: mean |Δ| = 2, mean Δ = 1, so drift = 0.5 in scaled units.
        double[] y = [0, 3, 2, 5, 4, 7, 6, 9, 8];
        var scaler = SeriesScaler.Fit(y, ForecastTransform.None, "test");
        Assert.Equal(2, scaler.Scale, 12);
        Assert.Equal(0.5, scaler.Drift, 12);
    }

    [Fact]
    public void Every_window_also_appears_mirrored_and_the_newest_come_last()
    {
        var z = Enumerable.Range(0, 30).Select(t => t * 0.5 + (t % 3)).ToArray();
        var (x, y) = ForecastWindows.Build([(z, 2.0)], window: 5, horizon: 2, maxPerSeries: 4);
        Assert.Equal(8, x.Dim(0));
        for (int pair = 0; pair < 4; pair++)
        {
            int a = 2 * pair, b = a + 1;
            for (int j = 0; j < 5; j++) Assert.Equal(x.Data[a * 5 + j], -x.Data[b * 5 + j]);
            for (int j = 0; j < 10; j++) Assert.Equal(y.Data[a * 10 + j], -y.Data[b * 10 + j]);
        }
        // The last unmirrored window's last target is the change from z[27] to z[29] (the series' end), scaled, less 2 × drift.
        double drift = (z[29] - z[0]) / 29 / 2.0;
        Assert.Equal((z[29] - z[27]) / 2.0 - 2 * drift, y.Data[(6 * 5 + 4) * 2 + 1], 5);
    }

    [Fact]
    public void A_steady_trend_is_forecast_from_the_drift()
    {
        // A straight line in log space: every window looks alike, and the network (odd in its input) cannot carry the
        // trend by itself; the forecast continues the growth through the drift.
        var y = Enumerable.Range(0, 80).Select(t => 100 * Math.Exp(0.02 * t)).ToArray();
        using var model = RnnForecastTrainer.Train(ForecastTestData.One(y), ForecastTestData.Fast(horizon: 4));
        var forecast = model.Forecast(y).Forecast;
        for (int h = 1; h <= 4; h++) Assert.Equal(y[^1] * Math.Exp(0.02 * h), forecast[h - 1], y[^1] * 0.01);
    }
}
