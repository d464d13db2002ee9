using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Forecasting;
using RnnOnnx.ML.Forecasting;
using static RnnOnnx.Tests.ForecastTestData;

namespace RnnOnnx.ML.Tests.Forecasting;

public class ForecastByRnnTests
{
    private const int H = 6;

    private static RnnForecastOptions Options(int seed = 7) => new()
    {
        Horizon = H, Seasons = [12], Units = 8, Epochs = 12, EnsembleSize = 1, Seed = seed, EarlyStoppingPatience = 4, MaxWindowsPerSeries = 50,
    };

    [Fact]
    public void Forecasts_every_row_with_bounds_and_matches_the_model_and_the_engine()
    {
        var ml = new MLContext(seed: 1);
        var y = Seasonal(97);
        var estimator = ml.Forecasting.ForecastByRnn("Forecast", "Value", Options(), "Lower", "Upper");
        using var transformer = estimator.Fit(Data(ml, y[..96]));

        var shape = estimator.GetOutputSchema(PointShape(ml));
        Assert.Contains(shape, c => c.Name == "Upper" && c.Kind == SchemaShape.Column.VectorKind.Vector && c.ItemType == NumberDataViewType.Single);

        var scored = transformer.Transform(Data(ml, y[..96]));
        foreach (var name in new[] { "Forecast", "Lower", "Upper" })
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, H), scored.Schema[name].Type);
        Assert.Equal(scored.Schema, transformer.GetOutputSchema(Data(ml, y[..96]).Schema), SchemaComparer.Instance);
        var rows = Rows(ml, scored);
        Assert.Equal(96, rows.Count);
        Assert.All(rows[0].Forecast, v => Assert.True(float.IsNaN(v)));     // one point: no forecast yet
        foreach (var row in rows.Skip(1))
            for (int i = 0; i < H; i++)
            {
                Assert.True(float.IsFinite(row.Forecast[i]));
                Assert.True(row.Lower[i] <= row.Forecast[i] && row.Forecast[i] <= row.Upper[i], $"step {i}: {row.Lower[i]} ≤ {row.Forecast[i]} ≤ {row.Upper[i]}");
            }

        // A row whose history fits the model's window is exactly RnnForecastModel.Forecast of that history...
        int w = transformer.Model.WindowSize;
        var expected = transformer.Model.Forecast(y[..(w + 1)]);
        Close(expected.Forecast, rows[w].Forecast);
        Close(expected.Lower, rows[w].Lower);
        Close(expected.Upper, rows[w].Upper);
        // ...and so is the last row of a transform over just that history.
        Close(expected.Forecast, Rows(ml, transformer.Transform(Data(ml, y[..(w + 1)])))[^1].Forecast);

        // The last row carries state over all 96 points, yet the trained GRU's memory fades within its window, so it
        // equals the model's forecast of the whole history too (exact by construction only up to window + 1 points).
        var whole = transformer.Model.Forecast(y[..96]);
        Close(whole.Forecast, rows[^1].Forecast);
        Close(whole.Lower, rows[^1].Lower);

        // The engine continues from the last training row, and Update moves it as one more row would.
        using var engine = transformer.CreateTimeSeriesEngine();
        Assert.Equal(96, engine.Observations);
        Close(rows[^1].Forecast, engine.Predict().Forecast);
        Close(rows[^1].Upper, engine.Predict().Upper);
        engine.Update(y[96]);
        Close(Rows(ml, transformer.Transform(Data(ml, y)))[^1].Forecast, engine.Predict().Forecast);
    }

    [Fact]
    public void Two_keys_get_one_model_and_their_own_forecasts()
    {
        var ml = new MLContext(seed: 1);
        var a = Seasonal(80, seed: 1);
        var b = Seasonal(80, seed: 2).Select(v => 3 * v).ToArray();
        var points = Enumerable.Range(0, 80).SelectMany(t => new[] { new Keyed { Store = "a", Value = a[t] }, new Keyed { Store = "b", Value = b[t] } }).ToList();
        var data = ml.Data.LoadFromEnumerable(points);
        using var transformer = ml.Forecasting.ForecastByRnn("Forecast", "Value", Options(), seriesKeyColumnName: "Store").Fit(data);
        Assert.Equal(["a", "b"], transformer.SeriesKeys.Order());

        var rows = Rows(ml, transformer.Transform(data));
        int w = transformer.Model.WindowSize;
        Close(transformer.Model.Forecast(a[..(w + 1)], "a").Forecast, rows[2 * w].Forecast);
        Close(transformer.Model.Forecast(b[..(w + 1)], "b").Forecast, rows[2 * w + 1].Forecast);

        using var engineA = transformer.CreateTimeSeriesEngine("a");
        using var engineB = transformer.CreateTimeSeriesEngine("b");
        Close(rows[^2].Forecast, engineA.Predict().Forecast);
        Close(rows[^1].Forecast, engineB.Predict().Forecast);
        Assert.True(engineB.Predict().Forecast.Average() > 2 * engineA.Predict().Forecast.Average(), "each series keeps its own scale");
        var error = Assert.Throws<ArgumentException>(() => transformer.CreateTimeSeriesEngine("c"));
        Assert.Contains("'c'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_gives_typed_errors_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, Seasonal(60));

        var missing = Assert.Throws<DataException>(() => ml.Forecasting.ForecastByRnn("F", "Sales", windowSize: 0, horizon: H).Fit(data));
        Assert.Contains("'Sales'", missing.Message, StringComparison.Ordinal);
        Assert.Throws<DataException>(() => ml.Forecasting.ForecastByRnn("F", "Sales", windowSize: 0, horizon: H).GetOutputSchema(PointShape(ml)));
        var missingKey = Assert.Throws<DataException>(() => ml.Forecasting.ForecastByRnn("F", "Value", Options(), seriesKeyColumnName: "Store").Fit(data));
        Assert.Contains("'Store'", missingKey.Message, StringComparison.Ordinal);

        var text = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i => new Texty { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var wrongType = Assert.Throws<DataException>(() => ml.Forecasting.ForecastByRnn("F", "Value", Options()).Fit(text));
        Assert.Contains("'Value'", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("Single or Double", wrongType.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByRnn("F", "Value", windowSize: 0, horizon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByRnn("F", "Value", windowSize: 0, horizon: -2));
        Assert.Throws<ArgumentException>(() => ml.Forecasting.ForecastByRnn("F", "Value", windowSize: 0, horizon: H, confidenceLevel: 1.5f));
        Assert.Throws<ArgumentException>(() => ml.Forecasting.ForecastByRnn("F", "Value", windowSize: 0, horizon: H, confidenceLowerBoundColumn: "F"));

        // Issue #16: 8 points are forecast (by exponential smoothing); 2 are too few for any method.
        using (var shortModel = ml.Forecasting.ForecastByRnn("F", "Value", Options()).Fit(Data(ml, Seasonal(8))))
            Assert.Equal(ForecastMethod.Ets, shortModel.Model.MethodOf(""));
        var tooShort = Assert.Throws<DataException>(() => ml.Forecasting.ForecastByRnn("F", "Value", Options()).Fit(Data(ml, Seasonal(2))));
        Assert.Contains("'Value'", tooShort.Message, StringComparison.Ordinal);
        Assert.Contains("at least 3", tooShort.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_row_to_row_mapping_and_pipeline_saving_with_a_clear_message()
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml, Seasonal(60));
        using var transformer = ml.Forecasting.ForecastByRnn("F", "Value", new RnnForecastOptions { Horizon = 3, Seasons = [12], Units = 4, Epochs = 2, EnsembleSize = 1, Seed = 1 }).Fit(data);
        Assert.False(transformer.IsRowToRowMapper);
        Assert.Contains("CreateTimeSeriesEngine", Assert.Throws<NotSupportedException>(() => transformer.GetRowToRowMapper(data.Schema)).Message, StringComparison.Ordinal);
        using var stream = new MemoryStream();
        var error = Assert.Throws<NotSupportedException>(() => ml.Model.SaveRecurrentPipeline(transformer, data.Schema, stream));
        Assert.Contains("Model.Save", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The shape of <see cref="Data"/> (SchemaShape.Create is internal to ML.NET).</summary>
    private static SchemaShape PointShape(MLContext ml) =>
        ml.Transforms.CustomMapping<Empty, Point>(static (_, _) => { }, contractName: null).GetOutputSchema(new SchemaShape([]));

    private static IDataView Data(MLContext ml, double[] y) => ml.Data.LoadFromEnumerable(y.Select(v => new Point { Value = v }));

    private static List<Scored> Rows(MLContext ml, IDataView scored)
    {
        var view = scored.Schema.GetColumnOrNull("Lower") is null
            ? ml.Transforms.CopyColumns("Lower", "Forecast").Append(ml.Transforms.CopyColumns("Upper", "Forecast")).Fit(scored).Transform(scored)
            : scored;
        return ml.Data.CreateEnumerable<Scored>(view, reuseRowObject: false).ToList();
    }

    private static void Close(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"step {i}: expected {expected[i]}, got {actual[i]}");
    }

    private sealed class SchemaComparer : IEqualityComparer<DataViewSchema>
    {
        public static readonly SchemaComparer Instance = new();
        public bool Equals(DataViewSchema? x, DataViewSchema? y) =>
            x!.Count == y!.Count && x.Zip(y).All(p => p.First.Name == p.Second.Name && p.First.Type.Equals(p.Second.Type));
        public int GetHashCode(DataViewSchema obj) => obj.Count;
    }

    private sealed class Empty;

    private sealed class Point
    {
        public double Value { get; set; }
    }

    private sealed class Keyed
    {
        public string Store { get; set; } = "";
        public double Value { get; set; }
    }

    private sealed class Texty
    {
        public string Value { get; set; } = "";
    }

    private sealed class Scored
    {
        [VectorType(H)] public float[] Forecast { get; set; } = [];
        [VectorType(H)] public float[] Lower { get; set; } = [];
        [VectorType(H)] public float[] Upper { get; set; } = [];
    }
}
