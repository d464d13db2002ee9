using RnnOnnx.Forecasting;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests;

public class RnnForecastEngineTests
{
    [Fact]
    public void Engine_starts_where_the_model_forecasts_and_updates_move_it_on()
    {
        var y = Seasonal(110);
        using var model = RnnForecastTrainer.Train(One(y[..100]), Fast());
        using var engine = model.CreateEngine(y[..100]);
        Assert.Equal(model.Forecast(y[..100]).Forecast, engine.Predict().Forecast, new FloatTolerance(1e-4f));
        var before = engine.Predict().Forecast;
        engine.Update(y[100]);
        Assert.Equal(101, engine.Observations);
        Assert.NotEqual(before, engine.Predict().Forecast);
    }

    [Fact]
    public void Checkpoint_continues_exactly_and_refuses_another_model()
    {
        var y = Seasonal(110);
        using var model = RnnForecastTrainer.Train(One(y[..100]), Fast());
        using var other = RnnForecastTrainer.Train(One(y[..100]), Fast(seed: 99));
        string path = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var engine = model.CreateEngine(y[..100]);
            engine.Update(y[100]);
            engine.CheckPoint(path);
            using var resumed = RnnForecastEngine.Load(path);
            using var onModel = RnnForecastEngine.Load(path, model);
            foreach (var e in new[] { engine, resumed, onModel }) { e.Update(y[101]); e.Update(y[102]); }
            Assert.Equal(engine.Predict().Forecast, resumed.Predict().Forecast);
            Assert.Equal(engine.Predict().Upper, onModel.Predict().Upper);
            var error = Assert.Throws<ModelFileException>(() => RnnForecastEngine.Load(path, other));
            Assert.Contains("another model", error.Message, StringComparison.Ordinal);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_checkpoint_from_before_drift_loads_with_drift_zero()
    {
        var y = Seasonal(110);
        using var model = RnnForecastTrainer.Train(One(y[..100]), Fast());
        double drift = model.Config.Series[""].Drift, scale = model.Config.Series[""].Scale;
        Assert.NotEqual(0, drift);
        string path = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var engine = model.CreateEngine(y[..100]);
            engine.CheckPoint(path);
            // Version 1 layout: the same, with magic ".../1" and no drift after the scale.
            var bytes = File.ReadAllBytes(path).ToList();
            int magic = 1 + "rnnonnx.forecast-engine/2".Length, scaleEnd = magic + 4 + model.OnnxModel.Length + 1 + 1 + 8;
            bytes[magic - 1] = (byte)'1';
            bytes.RemoveRange(scaleEnd, 8);
            File.WriteAllBytes(path, [.. bytes]);
            using var old = RnnForecastEngine.Load(path, model);
            // Without the drift, every step h sits h × drift × scale lower in log space.
            for (int h = 1; h <= 6; h++)
                Assert.Equal(engine.Predict().Forecast[h - 1] * Math.Exp(-h * drift * scale), old.Predict().Forecast[h - 1], 0.01);
        }
        finally { File.Delete(path); }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));
        public int GetHashCode(float obj) => 0;
    }
}
