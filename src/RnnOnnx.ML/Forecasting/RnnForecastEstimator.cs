using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;

namespace RnnOnnx.ML.Forecasting;

/// <summary>One bound column: its name, the index of its level in <see cref="RnnForecastColumns.Levels"/>, and which bound.</summary>
internal sealed record BoundColumn(string Name, int Level, bool Upper);

/// <summary>
/// The columns <see cref="RnnForecastEstimator"/> reads and writes. With several levels each bound column is one per
/// level, named with its percentage (Lower_80, Upper_80, Lower_95, …), as the CLI names its CSV columns.
/// </summary>
internal sealed record RnnForecastColumns(string Output, string Input, string? Lower, string? Upper, string? Key, string? Time = null, IReadOnlyList<double>? Levels = null)
{
    public IReadOnlyList<BoundColumn> Bounds { get; } = BoundsOf(Lower, Upper, Levels);

    public IEnumerable<string> Outputs => Bounds.Select(b => b.Name).Prepend(Output);

    private static BoundColumn[] BoundsOf(string? lower, string? upper, IReadOnlyList<double>? levels)
    {
        int n = levels?.Count ?? 1;
        string Name(string prefix, int j) => n == 1 ? prefix : $"{prefix}_{Math.Round(levels![j] * 100, 4).ToString("0.####", CultureInfo.InvariantCulture)}";
        return Enumerable.Range(0, n).SelectMany(j => new[]
        {
            lower is null ? null : new BoundColumn(Name(lower, j), j, false),
            upper is null ? null : new BoundColumn(Name(upper, j), j, true),
        }).OfType<BoundColumn>().ToArray();
    }
}

/// <summary>
/// Estimator of <see cref="ForecastingCatalogExtensions.ForecastByRnn(ForecastingCatalog, string, string, RnnForecastOptions, string?, string?, string?, string?, IReadOnlyList{double}?)"/>:
/// <see cref="Fit"/> reads the series (in row order, grouped by key when a key column is given), trains one
/// <see cref="RnnForecastModel"/> and returns an <see cref="RnnForecastTransformer"/>.
/// </summary>
public sealed class RnnForecastEstimator : IEstimator<RnnForecastTransformer>
{
    private readonly RnnForecastColumns _columns;
    private readonly RnnForecastOptions _options;

    internal RnnForecastEstimator(RnnForecastColumns columns, RnnForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(columns.Output)) throw new ArgumentException("outputColumnName is required.");
        if (string.IsNullOrWhiteSpace(columns.Input)) throw new ArgumentException("inputColumnName is required.");
        if (options.Horizon <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Horizon, $"The horizon must be at least 1, got {options.Horizon}.");
        if (columns.Outputs.Distinct(StringComparer.Ordinal).Count() != columns.Outputs.Count())
            throw new ArgumentException($"The forecast, lower and upper columns need different names, got {string.Join(", ", columns.Outputs.Select(n => $"'{n}'"))}.");
        if (columns.Key == columns.Input) throw new ArgumentException($"Column '{columns.Input}' cannot be both the series and its key.");
        if (columns.Time is { } time && (time == columns.Input || time == columns.Key)) throw new ArgumentException($"Column '{time}' cannot be both the time and the series or its key.");
        _options = options with { };
        _options.Validate();
        _columns = columns;
    }

    /// <summary>Reads the series, trains the model and returns the transformer.</summary>
    /// <exception cref="DataException">A column is missing or of the wrong type, or a series is too short, constant or all missing.</exception>
    public RnnForecastTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var series = RnnForecastColumnReader.ReadAll(input, _columns);
        var frequency = _columns.Time is null ? null : Dated(series);
        var options = _options;
        // A time column's frequency names the seasons the user did not (monthly 12, hourly 24, ...), as the CLI does.
        if (frequency is { DefaultSeasons.Count: > 0 } && options.Seasons.Count == 0) options = options with { Seasons = frequency.DefaultSeasons };
        RnnForecastModel model;
        try { model = RnnForecastTrainer.Train(series.Select(p => new ForecastSeries(p.Key, p.Value.Values)).ToList(), options); }
        catch (DataException e) { throw new DataException($"Input column '{_columns.Input}': {e.Message}"); }
        return new RnnForecastTransformer(model, _columns, series.ToDictionary(p => p.Key, p => p.Value.Values.ToArray()), frequency);
    }

    /// <summary>
    /// Checks each series' times (increasing, one frequency, the same for all series), fills gaps with missing values,
    /// and returns the frequency.
    /// </summary>
    private SeriesFrequency? Dated(Dictionary<string, SeriesRows> series)
    {
        SeriesFrequency? common = null;
        string? first = null;
        foreach (var (key, rows) in series)
        {
            var times = rows.Times!;
            string name = key.Length == 0 ? "" : $" (series '{key}')";
            for (int i = 1; i < times.Count; i++)
                if (times[i] <= times[i - 1])
                    throw new DataException($"Time column '{_columns.Time}', row {rows.Rows[i]}{name}: {times[i]:s} is not after the row before ({times[i - 1]:s}); rows must be in time order, one per time.");
            if (times.Count < 2) continue;
            var frequency = SeriesFrequency.Infer(times, out var missing, out var problem)
                ?? throw new DataException($"Time column '{_columns.Time}'{name}: no single frequency: {problem}.");
            if (common is not null && frequency != common)
                throw new DataException($"Time column '{_columns.Time}': series '{first}' is {common} but series '{key}' is {frequency}; one model forecasts one frequency.");
            (common, first) = (frequency, key);
            if (missing.Any(m => m > 0)) rows.FillGaps(frequency, missing);
        }
        return common;
    }

    /// <summary>The input shape plus the forecast (and bound) columns, vectors of Single.</summary>
    /// <exception cref="DataException">A column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = Find(inputSchema, _columns.Input, "Input");
        if (input.Kind != SchemaShape.Column.VectorKind.Scalar || input.IsKey || !(input.ItemType == NumberDataViewType.Single || input.ItemType == NumberDataViewType.Double))
            throw new DataException($"Input column '{_columns.Input}' must be a scalar Single or Double, got {input.ItemType}{(input.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}.");
        if (_columns.Key is { } keyName)
        {
            var key = Find(inputSchema, keyName, "Series key");
            if (key.Kind != SchemaShape.Column.VectorKind.Scalar || !(key.IsKey || RnnForecastColumnReader.AcceptsKey(key.ItemType)))
                throw new DataException($"Series key column '{keyName}' must be a scalar text, integer or key value, got {key.ItemType}.");
        }
        if (_columns.Time is { } timeName)
        {
            var time = Find(inputSchema, timeName, "Time");
            if (time.Kind != SchemaShape.Column.VectorKind.Scalar || !RnnForecastColumnReader.AcceptsTime(time.ItemType))
                throw new DataException($"Time column '{timeName}' must be a scalar DateTime or DateTimeOffset, got {time.ItemType}.");
        }
        var shape = inputSchema;
        foreach (var name in _columns.Outputs) shape = SchemaShapes.WithSingleVector(shape, name, knownSize: true);
        return shape;
    }

    private static SchemaShape.Column Find(SchemaShape schema, string name, string role)
    {
        foreach (var column in schema)
            if (column.Name == name) return column;
        throw new DataException($"{role} column '{name}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
    }
}

/// <summary>One series as read: values in row order, their rows, and their times when there is a time column.</summary>
internal sealed class SeriesRows(bool dated)
{
    public List<double> Values { get; private set; } = [];

    public List<long> Rows { get; } = [];

    public List<DateTime>? Times { get; private set; } = dated ? [] : null;

    /// <summary>Inserts a missing value (NaN) for each time a gap leaves out, as <c>SeriesTable</c> does for a file.</summary>
    public void FillGaps(SeriesFrequency frequency, int[] missing)
    {
        var values = new List<double>(Values.Count + missing.Sum());
        var times = new List<DateTime>(values.Capacity);
        for (int i = 0; i < Values.Count; i++)
        {
            values.Add(Values[i]);
            times.Add(Times![i]);
            if (i < missing.Length)
                for (int k = 1; k <= missing[i]; k++) { values.Add(double.NaN); times.Add(frequency.Advance(Times[i], k)); }
        }
        (Values, Times) = (values, times);
    }
}

/// <summary>Checks the series, key and time columns of a schema and reads them row by row.</summary>
internal sealed class RnnForecastColumnReader
{
    private readonly Func<double> _value;
    private readonly Func<string> _key;
    private readonly Func<DateTime>? _time;

    private RnnForecastColumnReader(Func<double> value, Func<string> key, Func<DateTime>? time) => (_value, _key, _time) = (value, key, time);

    public static bool AcceptsKey(DataViewType type) =>
        type is TextDataViewType || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64
        || type == NumberDataViewType.UInt32 || type == NumberDataViewType.UInt64 || type is KeyDataViewType { RawType: var raw } && raw == typeof(uint);

    /// <summary>DateTime (taken as UTC) or DateTimeOffset (converted to UTC).</summary>
    public static bool AcceptsTime(DataViewType type) => type is DateTimeDataViewType or DateTimeOffsetDataViewType;

    /// <summary>The schema columns the reader needs: the series, then the key and the time column when there are.</summary>
    /// <exception cref="DataException">A column is missing or of the wrong type.</exception>
    public static DataViewSchema.Column[] Bind(DataViewSchema schema, RnnForecastColumns columns)
    {
        string Has() => string.Join(", ", schema.Select(c => $"'{c.Name}'"));
        var input = schema.GetColumnOrNull(columns.Input)
            ?? throw new DataException($"Input column '{columns.Input}' is not in the input; it has {Has()}.");
        if (input.Type != NumberDataViewType.Single && input.Type != NumberDataViewType.Double)
            throw new DataException($"Input column '{columns.Input}' must be a scalar Single or Double, got {input.Type}.");
        var bound = new List<DataViewSchema.Column> { input };
        if (columns.Key is not null)
        {
            var key = schema.GetColumnOrNull(columns.Key) ?? throw new DataException($"Series key column '{columns.Key}' is not in the input; it has {Has()}.");
            if (!AcceptsKey(key.Type)) throw new DataException($"Series key column '{columns.Key}' must be a scalar text, integer or key value, got {key.Type}.");
            bound.Add(key);
        }
        if (columns.Time is not null)
        {
            var time = schema.GetColumnOrNull(columns.Time) ?? throw new DataException($"Time column '{columns.Time}' is not in the input; it has {Has()}.");
            if (!AcceptsTime(time.Type)) throw new DataException($"Time column '{columns.Time}' must be a scalar DateTime or DateTimeOffset, got {time.Type}.");
            bound.Add(time);
        }
        return bound.ToArray();
    }

    public static RnnForecastColumnReader Create(DataViewRow row, DataViewSchema.Column[] bound, RnnForecastColumns columns)
    {
        Func<double> value = bound[0].Type == NumberDataViewType.Single ? Getter<float, double>(row, bound[0], v => v) : Getter<double, double>(row, bound[0], v => v);
        Func<string> key = columns.Key is null ? () => "" : KeyGetter(row, bound[1]);
        Func<DateTime>? time = null;
        if (columns.Time is not null)
        {
            var column = bound[^1];
            time = column.Type is DateTimeOffsetDataViewType
                ? Getter<DateTimeOffset, DateTime>(row, column, v => v.UtcDateTime)
                : Getter<DateTime, DateTime>(row, column, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        }
        return new(value, key, time);
    }

    public double Value() => _value();

    public string Key() => _key();

    /// <summary>The row's time (only with a time column).</summary>
    public DateTime Time() => _time!();

    /// <summary>Every series of <paramref name="data"/>, in first-seen order, each in row order.</summary>
    public static Dictionary<string, SeriesRows> ReadAll(IDataView data, RnnForecastColumns columns)
    {
        var bound = Bind(data.Schema, columns);
        var series = new Dictionary<string, SeriesRows>(StringComparer.Ordinal);
        using var cursor = data.GetRowCursor(bound);
        var reader = Create(cursor, bound, columns);
        while (cursor.MoveNext())
        {
            string key = reader.Key();
            if (!series.TryGetValue(key, out var rows)) series[key] = rows = new SeriesRows(columns.Time is not null);
            rows.Values.Add(reader.Value());
            rows.Rows.Add(cursor.Position);
            rows.Times?.Add(reader.Time());
        }
        if (series.Count == 0) throw new DataException($"Input column '{columns.Input}' has no rows: there is no series to train on.");
        return series;
    }

    private static Func<string> KeyGetter(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is TextDataViewType)
        {
            var text = row.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () => { text(ref value); return value.ToString(); };
        }
        if (type == NumberDataViewType.Int32) return Getter<int, string>(row, column, v => v.ToString(CultureInfo.InvariantCulture));
        if (type == NumberDataViewType.Int64) return Getter<long, string>(row, column, v => v.ToString(CultureInfo.InvariantCulture));
        if (type == NumberDataViewType.UInt64) return Getter<ulong, string>(row, column, v => v.ToString(CultureInfo.InvariantCulture));
        return Getter<uint, string>(row, column, v => v.ToString(CultureInfo.InvariantCulture));
    }

    private static Func<TOut> Getter<T, TOut>(DataViewRow row, DataViewSchema.Column column, Func<T, TOut> convert)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () => { getter(ref value); return convert(value); };
    }
}
