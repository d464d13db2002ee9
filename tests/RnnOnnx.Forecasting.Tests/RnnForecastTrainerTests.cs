using System.Text.Json;
using RnnOnnx.Training;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.Forecasting.Tests;

/// <summary>The public trainer: options honoured, progress and warnings reported, options as JSON.</summary>
public sealed class RnnForecastTrainerTests
{
    private sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    [Fact]
    public void The_final_run_never_trains_more_epochs_than_asked()
    {
        // Defect: the final run took max(10, median best epoch) epochs, so 2 asked trained 10.
        using var model = RnnForecastTrainer.Train(One(Seasonal(120)), Fast() with { Epochs = 2 });
        Assert.Equal(2, model.Report!.Epochs);
    }

    [Fact]
    public void Progress_reports_every_member_stage_with_work_done_and_warnings()
    {
        var y = Seasonal(100);
        y[30] = double.NaN;
        var recorder = new Recorder();
        using var model = RnnForecastTrainer.Train(One(y), Fast() with { Epochs = 12, EarlyStoppingPatience = 0 }, recorder);
        var epochs = recorder.Reports.Where(r => r.Kind == TrainingProgressKind.Epoch).ToList();
        Assert.Equal(["calibration 1/2", "calibration 2/2", "final 1/2", "final 2/2"], epochs.Select(e => e.Stage).Distinct());
        Assert.Equal(4 * 12, epochs.Count);
        Assert.All(epochs, e => Assert.Equal("windows", e.Unit));
        Assert.Equal(1.0, epochs[^1].Fraction);
        Assert.True(epochs.Zip(epochs.Skip(1)).All(p => p.First.Done < p.Second.Done && p.First.Elapsed <= p.Second.Elapsed));
        Assert.Contains(recorder.Reports, r => r.Kind == TrainingProgressKind.Batch && r.Batches > 0);
        var warning = Assert.Single(recorder.Reports, r => r.Kind == TrainingProgressKind.Warning);
        Assert.Contains("1 missing value(s)", warning.Message, StringComparison.Ordinal);
        Assert.Contains(recorder.Reports, r => r.Kind == TrainingProgressKind.Info && r.Message!.StartsWith("seasons 12", StringComparison.Ordinal));
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => RnnForecastTrainer.Train(One(Seasonal(100)), Fast(), null, cancel.Token));
    }

    [Fact]
    public void Duplicate_keys_are_refused()
    {
        var y = Seasonal(100);
        var e = Assert.Throws<DataException>(() => RnnForecastTrainer.Train([new ForecastSeries("a", y), new ForecastSeries("a", y)], Fast()));
        Assert.Contains("'a' is given 2 times", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_read_and_write_as_json_with_enums_as_names()
    {
        var options = new RnnForecastOptions { Horizon = 5, Cell = ForecastCell.Lstm, Transform = ForecastTransform.Log, Units = 9, Dropout = 0.25f, EnsembleSize = 2 };
        string json = JsonSerializer.Serialize(options, OptionsJson.Options);
        Assert.Contains("\"cell\": \"lstm\"", json, StringComparison.Ordinal);
        Assert.Contains("\"transform\": \"log\"", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(options, OptionsJson.Deserialize<RnnForecastOptions>(doc.RootElement, "test"));

        using var bad = JsonDocument.Parse("""{"horizon": 3, "architecture": {"cell": 1}}""");
        Assert.Contains("architecture.cell", Assert.Throws<DataException>(() => OptionsJson.Deserialize<RnnForecastOptions>(bad.RootElement, "options.json")).Message, StringComparison.Ordinal);
        using var unknown = JsonDocument.Parse("""{"horizon": 3, "horizn": 4}""");
        var e = Assert.Throws<DataException>(() => OptionsJson.Deserialize<RnnForecastOptions>(unknown.RootElement, "options.json"));
        Assert.Contains("options.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("'horizn'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_names_the_option_and_the_value()
    {
        var e = Assert.Throws<ArgumentException>(() => new RnnForecastOptions { Dropout = 1.5f }.Validate());
        Assert.Contains("RnnForecastOptions.Dropout (\"architecture.dropout\") must be in [0, 1), got 1.5", e.Message, StringComparison.Ordinal);
        Assert.Equal("Dropout", e.ParamName);
    }
}
