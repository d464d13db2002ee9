using System.Text.Json;
using RnnOnnx.Forecasting;
using RnnOnnx.Serialization;
using RnnOnnx.Tests;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>Several interval levels, several seasons, and the per-series method record.</summary>
public class LevelsSeasonsMethodsTests
{
    [Fact]
    public void Intervals_at_several_levels_nest_and_come_in_the_order_asked()
    {
        var y = Seasonal(120);
        using var model = RnnForecastTrainer.Train(One(y), Fast());
        var f = model.Forecast(y, "", [0.95, 0.5, 0.8]);
        Assert.Equal([0.95, 0.5, 0.8], f.Intervals.Select(i => i.Level));
        // Lower/Upper are the first level asked for.
        Assert.Same(f.Intervals[0].Lower, f.Lower);
        Assert.Same(f.Intervals[0].Upper, f.Upper);
        var (i95, i50, i80) = (f.Intervals[0], f.Intervals[1], f.Intervals[2]);
        for (int h = 0; h < model.Horizon; h++)
        {
            Assert.True(i95.Lower[h] <= i80.Lower[h] && i80.Lower[h] <= i50.Lower[h], $"lower bounds at step {h + 1} do not nest");
            Assert.True(i50.Upper[h] <= i80.Upper[h] && i80.Upper[h] <= i95.Upper[h], $"upper bounds at step {h + 1} do not nest");
            Assert.True(i80.Upper[h] - i80.Lower[h] < i95.Upper[h] - i95.Lower[h], $"the 80 % interval is not narrower than the 95 % at step {h + 1}");
        }
        // The default level is the model's confidence: the same as asking for it.
        var d = model.Forecast(y);
        Assert.Equal(model.ConfidenceLevel, Assert.Single(d.Intervals).Level, 6);
        Assert.Equal(d.Lower, model.Forecast(y, "", [model.ConfidenceLevel]).Lower);
        // Batch and engine agree with the one-series call.
        var batch = model.ForecastBatch([model.PrepareInput(y)], [0.95, 0.5, 0.8])[0];
        Assert.Equal(f.Intervals[2].Upper, batch.Intervals[2].Upper);
        using var engine = model.CreateEngine(y);
        Assert.Equal(f.Intervals[1].Lower, engine.Predict([0.95, 0.5, 0.8]).Intervals[1].Lower);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(95.0)]
    [InlineData(-0.2)]
    [InlineData(double.NaN)]
    public void A_level_outside_0_1_is_refused_naming_it(double level)
    {
        var y = Seasonal(100);
        using var model = RnnForecastTrainer.Train(One(y), Fast() with { Epochs = 2 });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forecast(y, "", [0.8, level]));
        Assert.Contains(level.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        using var engine = model.CreateEngine(y);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Predict([level]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForecastBatch([model.PrepareInput(y)], [level]));
    }

    [Fact]
    public void A_version_1_model_file_serves_its_own_level_and_refuses_others()
    {
        // The AirPassengers model as shipped before several levels and seasons (config version 1).
        using var model = RnnForecastModel.Load(Repository.File("tests", "RnnOnnx.Forecasting.Tests", "Fixtures", "airpassengers-v1.onnx"));
        var y = File.ReadLines(Repository.File("data", "forecast", "AirPassengers.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal([12], model.Seasons);
        Assert.Equal(ForecastMethod.Network, model.MethodOf(""));
        var f = model.Forecast(y);
        Assert.Equal(0.95, Assert.Single(f.Intervals).Level, 6);
        var e = Assert.Throws<ArgumentException>(() => model.Forecast(y, "", [0.8]));
        Assert.Contains("95 %", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seasons_read_from_a_number_or_an_array_and_round_trip()
    {
        RnnForecastOptions Read(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return OptionsJson.Deserialize<RnnForecastOptions>(doc.RootElement, "test");
        }
        Assert.Equal([12], Read("""{"horizon": 3, "season": 12}""").Seasons);
        Assert.Equal([48, 336], Read("""{"horizon": 3, "season": [48, 336]}""").Seasons);
        Assert.Empty(Read("""{"horizon": 3}""").Seasons);
        var options = new RnnForecastOptions { Horizon = 4, Seasons = [48, 336] };
        string written = JsonSerializer.Serialize(options, OptionsJson.Options);
        Assert.Equal(options, Read(written));
        Assert.NotEqual(options, options with { Seasons = [48] });
        Assert.Contains("season", Assert.Throws<DataException>(() => Read("""{"horizon": 3, "season": "weekly"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("season", Assert.Throws<ArgumentException>(() => (options with { Seasons = [48, 0] }).Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_seasons_reach_the_model_and_its_file()
    {
        var y = Seasonal(200);
        using var model = RnnForecastTrainer.Train(One(y), Fast() with { Seasons = [4, 12], Epochs = 3 });
        Assert.Equal([4, 12], model.Seasons);
        using var loaded = RnnForecastModel.FromBytes(model.OnnxModel, "test");
        Assert.Equal([4, 12], loaded.Seasons);
        Assert.Equal(model.Forecast(y).Forecast, loaded.Forecast(y).Forecast);
    }
}
