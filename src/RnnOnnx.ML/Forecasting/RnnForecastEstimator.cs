using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Forecasting;

namespace RnnOnnx.ML.Forecasting;

/// <summary>The columns <see cref="RnnForecastEstimator"/> reads and writes.</summary>
internal sealed record RnnForecastColumns(string Output, string Input, string? Lower, string? Upper, string? Key)
{
    public IEnumerable<string> Outputs => new[] { Output, Lower, Upper }.OfType<string>();
}

/// <summary>
/// Estimator of <see cref="ForecastingCatalogExtensions.ForecastByRnn(ForecastingCatalog, string, string, RnnForecastOptions, string?, string?, string?)"/>:
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
        RnnForecastModel model;
        try { model = RnnForecastTrainer.Train(series.Select(p => new ForecastSeries(p.Key, p.Value)).ToList(), _options); }
        catch (DataException e) { throw new DataException($"Input column '{_columns.Input}': {e.Message}"); }
        return new RnnForecastTransformer(model, _columns, series.ToDictionary(p => p.Key, p => p.Value.ToArray()));
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

/// <summary>Checks the series and key columns of a schema and reads them row by row.</summary>
internal sealed class RnnForecastColumnReader
{
    private readonly Func<double> _value;
    private readonly Func<string> _key;

    private RnnForecastColumnReader(Func<double> value, Func<string> key) => (_value, _key) = (value, key);

    public static bool AcceptsKey(DataViewType type) =>
        type is TextDataViewType || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64
        || type == NumberDataViewType.UInt32 || type == NumberDataViewType.UInt64 || type is KeyDataViewType { RawType: var raw } && raw == typeof(uint);

    /// <summary>The schema columns the reader needs.</summary>
    /// <exception cref="DataException">A column is missing or of the wrong type.</exception>
    public static DataViewSchema.Column[] Bind(DataViewSchema schema, RnnForecastColumns columns)
    {
        var input = schema.GetColumnOrNull(columns.Input)
            ?? throw new DataException($"Input column '{columns.Input}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (input.Type != NumberDataViewType.Single && input.Type != NumberDataViewType.Double)
            throw new DataException($"Input column '{columns.Input}' must be a scalar Single or Double, got {input.Type}.");
        if (columns.Key is null) return [input];
        var key = schema.GetColumnOrNull(columns.Key)
            ?? throw new DataException($"Series key column '{columns.Key}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (!AcceptsKey(key.Type)) throw new DataException($"Series key column '{columns.Key}' must be a scalar text, integer or key value, got {key.Type}.");
        return [input, key];
    }

    public static RnnForecastColumnReader Create(DataViewRow row, DataViewSchema.Column[] bound)
    {
        Func<double> value = bound[0].Type == NumberDataViewType.Single ? Getter<float, double>(row, bound[0], v => v) : Getter<double, double>(row, bound[0], v => v);
        Func<string> key = bound.Length == 1 ? () => "" : KeyGetter(row, bound[1]);
        return new(value, key);
    }

    public double Value() => _value();

    public string Key() => _key();

    /// <summary>Every series of <paramref name="data"/>, in first-seen order, each in row order.</summary>
    public static Dictionary<string, List<double>> ReadAll(IDataView data, RnnForecastColumns columns)
    {
        var bound = Bind(data.Schema, columns);
        var series = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        using var cursor = data.GetRowCursor(bound);
        var reader = Create(cursor, bound);
        while (cursor.MoveNext())
        {
            string key = reader.Key();
            if (!series.TryGetValue(key, out var values)) series[key] = values = [];
            values.Add(reader.Value());
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
