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
        // Checkpoints of format 1 come from models without seasonal profiles: no season here either.
        using var model = RnnForecastTrainer.Train(One(y[..100]), Fast() with { Seasons = [1] });
        double drift = model.Config.Series[""].Drift, scale = model.Config.Series[""].Scale;
        Assert.NotEqual(0, drift);
        string path = Path.Combine(Path.GetTempPath(), $"engine-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var engine = model.CreateEngine(y[..100]);
            engine.CheckPoint(path);
            // Version 1 layout: the same, with magic ".../1" and no drift after the scale.
            var bytes = File.ReadAllBytes(path).ToList();
            int magic = 1 + "rnnonnx.forecast-engine/3".Length, scaleEnd = magic + 4 + model.OnnxModel.Length + 1 + 1 + 8;
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

/// <summary>Corrupt checkpoints: a typed error naming the file and the field, and nothing left open.</summary>
public sealed class CorruptCheckpointTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"engine-corrupt-{Guid.NewGuid():N}.ckpt");

    public void Dispose() => File.Delete(_path);

    /// <summary>Writes a checkpoint of a stream with key "" and returns the offsets of its model and output length fields.</summary>
    private (int ModelLength, int OutputLength) Write(RnnForecastModel model)
    {
        var y = Seasonal(100);
        using var engine = model.CreateEngine(y);
        engine.CheckPoint(_path);
        // BinaryWriter: the magic string (1-byte length + 25 chars), the model's length and bytes, key "" (1 byte),
        // log flag (1), scale, drift, last z (8 each), observations (8), then the output's length.
        const int modelLength = 1 + 25;
        return (modelLength, modelLength + 4 + model.OnnxModel.Length + 1 + 1 + 8 + 8 + 8 + 8);
    }

    private void Corrupt(int offset, int value)
    {
        var bytes = File.ReadAllBytes(_path);
        BitConverter.GetBytes(value).CopyTo(bytes, offset);
        File.WriteAllBytes(_path, bytes);
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(int.MaxValue)]
    public void A_bad_model_length_names_the_file_and_the_field(int value)
    {
        using var model = RnnForecastTrainer.Train(One(Seasonal(100)), Fast());
        var (modelLength, _) = Write(model);
        Corrupt(modelLength, value);
        var e = Assert.Throws<ModelFileException>(() => RnnForecastEngine.Load(_path));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        Assert.Contains("model length", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1 << 30)]
    public void A_bad_output_length_names_the_file_and_the_field_and_disposes_the_model_it_opened(int value)
    {
        using var model = RnnForecastTrainer.Train(One(Seasonal(100)), Fast());
        var (_, outputLength) = Write(model);
        Corrupt(outputLength, value);
        RnnForecastModel? opened = null;
        var e = Assert.Throws<ModelFileException>(() => RnnForecastEngine.Read(_path, null, (bytes, source) => opened = RnnForecastModel.FromBytes(bytes, source)));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        Assert.Contains("output length", e.Message, StringComparison.Ordinal);
        Assert.NotNull(opened);
        Assert.True(opened.IsDisposed);
    }

    [Fact]
    public void A_sound_checkpoint_keeps_the_model_it_opened_until_the_engine_is_disposed()
    {
        using var model = RnnForecastTrainer.Train(One(Seasonal(100)), Fast());
        Write(model);
        RnnForecastModel? opened = null;
        var engine = RnnForecastEngine.Read(_path, null, (bytes, source) => opened = RnnForecastModel.FromBytes(bytes, source));
        Assert.False(opened!.IsDisposed);
        engine.Dispose();
        Assert.True(opened.IsDisposed);
    }
}
