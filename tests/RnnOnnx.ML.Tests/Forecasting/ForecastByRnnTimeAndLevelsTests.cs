using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.ML.Tests.Forecasting;

/// <summary>Issue #16 in ML.NET: ForecastByRnn with a time column (frequency, default season, gaps) and several interval levels.</summary>
public class ForecastByRnnTimeAndLevelsTests
{
    private const int H = 4;

    private static RnnForecastOptions Options() => new() { Horizon = H, Units = 6, Epochs = 6, EnsembleSize = 1, Seed = 3, EarlyStoppingPatience = 3, MaxWindowsPerSeries = 40 };

    private static List<Dated> Monthly(double[] y, string store = "a") =>
        y.Select((v, t) => new Dated { Store = store, Month = new DateTime(2010, 1, 1).AddMonths(t), Value = v }).ToList();

    [Fact]
    public void A_time_column_gives_the_frequency_and_its_season()
    {
        var ml = new MLContext(seed: 1);
        using var transformer = ml.Forecasting.ForecastByRnn("F", "Value", Options(), "Lo", "Hi", timeColumnName: "Month").Fit(ml.Data.LoadFromEnumerable(Monthly(Seasonal(60))));
        Assert.Equal(SeriesFrequency.Monthly, transformer.Frequency);
        Assert.Equal([12], ModelSeasons(transformer.Model));
    }

    [Fact]
    public void Local_midnights_in_utc_across_daylight_saving_fit_and_transform_as_daily()
    {
        // Central European midnights written in UTC: 23:00Z the day before until 31 March 2024, 22:00Z after it.
        var ml = new MLContext(seed: 1);
        var y = Seasonal(60);
        var rows = y.Select((v, t) =>
        {
            var local = new DateTime(2024, 3, 1).AddDays(t);
            return new Dated { Store = "a", Month = local.AddHours(local < new DateTime(2024, 3, 31) ? -1 : -2), Value = v };
        }).ToList();
        using var transformer = ml.Forecasting.ForecastByRnn("F", "Value", Options(), timeColumnName: "Month").Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(SeriesFrequency.Every(TimeSpan.FromDays(1)), transformer.Frequency);
        var scored = ml.Data.CreateEnumerable<Out>(transformer.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        Assert.Equal(60, scored.Count);
        Assert.All(scored.Skip(1), r => Assert.All(r.F, f => Assert.True(float.IsFinite(f))));
    }

    [Fact]
    public void Skipped_times_are_missing_values_in_training_and_in_the_transform()
    {
        var ml = new MLContext(seed: 1);
        var y = Seasonal(60);
        var gappy = Monthly(y);
        gappy.RemoveAt(40);
        var filled = Monthly(y);
        filled[40].Value = double.NaN;
        var estimator = ml.Forecasting.ForecastByRnn("F", "Value", Options(), timeColumnName: "Month");
        using var fromGaps = estimator.Fit(ml.Data.LoadFromEnumerable(gappy));
        using var fromNaN = estimator.Fit(ml.Data.LoadFromEnumerable(filled));
        // The same model: the gap became the missing value written out.
        Assert.Equal(fromNaN.Model.OnnxModel, fromGaps.Model.OnnxModel);
        var gapRows = ml.Data.CreateEnumerable<Out>(fromGaps.Transform(ml.Data.LoadFromEnumerable(gappy)), reuseRowObject: false).ToList();
        var nanRows = ml.Data.CreateEnumerable<Out>(fromNaN.Transform(ml.Data.LoadFromEnumerable(filled)), reuseRowObject: false).ToList();
        Assert.Equal(59, gapRows.Count);
        // Row 40 of the gappy data is month 41: its forecast is the filled data's row 41.
        Assert.Equal(nanRows[41].F, gapRows[40].F);
        Assert.Equal(nanRows[^1].F, gapRows[^1].F);
    }

    [Fact]
    public void Rows_out_of_time_order_and_mixed_frequencies_are_refused_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        var rows = Monthly(Seasonal(30));
        (rows[10], rows[11]) = (rows[11], rows[10]);
        var estimator = ml.Forecasting.ForecastByRnn("F", "Value", Options(), seriesKeyColumnName: "Store", timeColumnName: "Month");
        var order = Assert.Throws<DataException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Time column 'Month', row 11 (series 'a')", order.Message, StringComparison.Ordinal);
        Assert.Contains("time order", order.Message, StringComparison.Ordinal);

        var daily = Seasonal(30).Select((v, t) => new Dated { Store = "b", Month = new DateTime(2010, 1, 1).AddDays(t), Value = v });
        var mixed = Assert.Throws<DataException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(Monthly(Seasonal(30)).Concat(daily))));
        Assert.Contains("series 'a' is monthly but series 'b' is daily", mixed.Message, StringComparison.Ordinal);

        var wrongType = Assert.Throws<DataException>(() => ml.Forecasting.ForecastByRnn("F", "Value", Options(), timeColumnName: "Store").Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Time column 'Store' must be a scalar DateTime or DateTimeOffset", wrongType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_levels_give_a_bound_column_per_level_nested_around_the_forecast()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Monthly(Seasonal(60)));
        var estimator = ml.Forecasting.ForecastByRnn("F", "Value", Options(), "Lower", "Upper", timeColumnName: "Month", levels: [0.8, 0.95]);
        using var transformer = estimator.Fit(data);
        Assert.Equal(["Store", "Month", "Value", "F", "Lower_80", "Upper_80", "Lower_95", "Upper_95"], transformer.GetOutputSchema(data.Schema).Select(c => c.Name));
        Assert.Equal([0.8, 0.95], transformer.Levels);
        var rows = ml.Data.CreateEnumerable<Levels>(transformer.Transform(data), reuseRowObject: false).ToList();
        var last = rows[^1];
        for (int i = 0; i < H; i++)
        {
            Assert.True(last.Lower_95[i] < last.Lower_80[i] && last.Lower_80[i] <= last.F[i], $"step {i}: lower 95 {last.Lower_95[i]} < lower 80 {last.Lower_80[i]} ≤ {last.F[i]}");
            Assert.True(last.F[i] <= last.Upper_80[i] && last.Upper_80[i] < last.Upper_95[i], $"step {i}: {last.F[i]} ≤ upper 80 {last.Upper_80[i]} < upper 95 {last.Upper_95[i]}");
        }
        // The engine gives the same bounds for the same levels.
        using var engine = transformer.CreateTimeSeriesEngine("");
        var predicted = engine.Predict([0.8, 0.95]);
        Assert.Equal(last.Lower_80, predicted.Intervals[0].Lower);
        Assert.Equal(last.Upper_95, predicted.Intervals[1].Upper);

        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByRnn("F", "Value", Options(), "Lower", "Upper", levels: [0.8, 95]));
        Assert.Throws<ArgumentException>(() => ml.Forecasting.ForecastByRnn("F", "Value", Options(), "Lower", "Upper", levels: [0.8, 0.8]));
    }

    private static IReadOnlyList<int> ModelSeasons(RnnForecastModel model) => model.Seasons;

    private sealed class Dated
    {
        public string Store { get; set; } = "";
        public DateTime Month { get; set; }
        public double Value { get; set; }
    }

    private sealed class Out
    {
        [VectorType(H)] public float[] F { get; set; } = [];
    }

    private sealed class Levels
    {
        [VectorType(H)] public float[] F { get; set; } = [];
        [VectorType(H)] public float[] Lower_80 { get; set; } = [];
        [VectorType(H)] public float[] Upper_80 { get; set; } = [];
        [VectorType(H)] public float[] Lower_95 { get; set; } = [];
        [VectorType(H)] public float[] Upper_95 { get; set; } = [];
    }
}
