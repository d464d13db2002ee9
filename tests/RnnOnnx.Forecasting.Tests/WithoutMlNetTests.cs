using RnnOnnx.Forecasting;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>The forecasting library trains, forecasts and streams without ML.NET in the process.</summary>
public sealed class WithoutMlNetTests
{
    [Fact]
    public void Training_forecasting_and_streaming_load_no_ML_NET_assembly()
    {
        var history = ForecastTestData.Seasonal(72);
        using var model = RnnForecastTrainer.Train(ForecastTestData.One(history, "s"), ForecastTestData.Fast(horizon: 4));
        var forecast = model.Forecast(history, "s");
        Assert.Equal(4, forecast.Forecast.Length);
        using var engine = model.CreateEngine(history, "s");
        engine.Update(200);
        Assert.Equal(4, engine.Predict().Forecast.Length);
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "").ToList();
        Assert.Contains("Microsoft.ML.OnnxRuntime", loaded);
        Assert.DoesNotContain(loaded, n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal) && !n.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
    }
}
