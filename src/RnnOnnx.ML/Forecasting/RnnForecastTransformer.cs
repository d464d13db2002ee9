using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;

namespace RnnOnnx.ML.Forecasting;

/// <summary>
/// A fitted <c>ForecastByRnn</c>: for every row, the next H points forecast from the history of the row's series up
/// to and including that row, as vector columns of length H (forecast, and lower and upper bounds when asked for).
/// </summary>
/// <remarks>
/// <para>
/// Rows are read in order. Each series (each key) has its own <see cref="RnnForecastEngine"/>: it starts when the
/// series has two observed values (a series unseen in training, scaled from its own history, starts after
/// <see cref="RnnForecastModel.WindowSize"/> + 1), and each later row is one <see cref="RnnForecastEngine.Update"/> —
/// one step of the ONNX step graph, O(1) per row. Rows before the start get NaN vectors. Up to WindowSize + 1 points
/// a row's forecast is exactly <see cref="RnnForecastModel.Forecast(IReadOnlyList{double}, string)"/> of its history; after that the engine carries
/// its recurrent state over the whole history, as <see cref="RnnForecastEngine"/> does.
/// </para>
/// <para>
/// The transform is stateful, so it has no row-to-row mapper (<c>PredictionEngine</c> cannot use it): use
/// <see cref="CreateTimeSeriesEngine"/> as ML.NET's <c>CreateTimeSeriesEngine</c> is used for <c>ForecastBySsa</c>.
/// Neither <c>mlContext.Model.Save</c> nor <c>SaveRecurrentPipeline</c> can save it; save <see cref="Model"/> with
/// <see cref="RnnForecastModel.Save"/>, or an engine with <see cref="RnnForecastEngine.CheckPoint"/>.
/// </para>
/// </remarks>
public sealed class RnnForecastTransformer : ITransformer, IDisposable
{
    private readonly Dictionary<string, double[]> _history;
    private bool _disposed;

    internal RnnForecastTransformer(RnnForecastModel model, RnnForecastColumns columns, Dictionary<string, double[]> history, SeriesFrequency? frequency)
    {
        Model = model;
        Columns = columns;
        _history = history;
        Frequency = frequency;
        Levels = columns.Levels ?? [model.ConfidenceLevel];
    }

    /// <summary>
    /// The frequency of the time column's times (monthly, hourly, …; its default seasons were used when the options
    /// named none), or null without a time column. <see cref="SeriesFrequency.Advance"/> gives the forecast steps' times.
    /// </summary>
    public SeriesFrequency? Frequency { get; }

    /// <summary>The interval levels of the bound columns, fractions in (0, 1), in the order of the columns.</summary>
    public IReadOnlyList<double> Levels { get; }

    /// <summary>The trained model (owned by the transformer: disposed with it).</summary>
    public RnnForecastModel Model { get; }

    /// <summary>Points forecast per row: the length of the output vectors.</summary>
    public int Horizon => Model.Horizon;

    /// <summary>The series keys seen in training ("" when there is no key column).</summary>
    public IReadOnlyCollection<string> SeriesKeys => _history.Keys;

    /// <summary>False: each row's forecast depends on the rows before it.</summary>
    public bool IsRowToRowMapper => false;

    internal RnnForecastColumns Columns { get; }

    /// <summary>The input schema plus the forecast (and bound) columns, Single vectors of length <see cref="Horizon"/>.</summary>
    /// <exception cref="DataException">The series or key column is missing or of the wrong type.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ThrowIfDisposed();
        RnnForecastColumnReader.Bind(inputSchema, Columns);
        return RnnForecastDataView.OutputSchema(inputSchema, Columns, Horizon);
    }

    /// <summary>Not supported: the transform is stateful. Use <see cref="CreateTimeSeriesEngine"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException(
        "ForecastByRnn is stateful (each row's forecast depends on the rows before it), so it has no row-to-row mapper and PredictionEngine " +
        "cannot run it: use transformer.CreateTimeSeriesEngine(key), then Predict() and Update(value).");

    /// <summary>Adds the forecast columns to <paramref name="input"/>, computed lazily, in row order.</summary>
    /// <exception cref="DataException">The series or key column is missing or of the wrong type.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ThrowIfDisposed();
        var bound = RnnForecastColumnReader.Bind(input.Schema, Columns);
        return new RnnForecastDataView(this, input, bound);
    }

    /// <summary>
    /// A time-series engine for series <paramref name="key"/>, positioned after its training history, in the state the
    /// transform's last row of that series is in (same forecast): <see cref="RnnForecastEngine.Predict()"/> forecasts,
    /// <see cref="RnnForecastEngine.Update"/> adds an observation, <see cref="RnnForecastEngine.CheckPoint"/> saves —
    /// as ML.NET's <c>TimeSeriesPredictionEngine</c>. It runs on this transformer's model: dispose it first.
    /// </summary>
    /// <param name="key">The series key ("" when there is no key column).</param>
    /// <exception cref="ArgumentException">The key was not in the training data.</exception>
    public RnnForecastEngine CreateTimeSeriesEngine(string key = "")
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        if (!_history.TryGetValue(key, out var history))
            throw new ArgumentException($"Series '{key}' was not in the training data; it had {string.Join(", ", _history.Keys.Take(20).Select(k => $"'{k}'"))}. " +
                "For a new series use Model.CreateEngine(history, key).", nameof(key));
        var stream = new ForecastStream(Model, key);
        foreach (var value in history) stream.Add(value);
        return stream.Engine ?? throw new DataException($"Input column '{Columns.Input}': series '{key}' has fewer than 2 observed values.");
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "ML.NET cannot save third-party transformers, and SaveRecurrentPipeline does not support ForecastByRnn yet: save the model with " +
        "transformer.Model.Save(path) (RnnForecastModel.Load reads it), or an engine with engine.CheckPoint(path).");

    /// <summary>Frees the model's ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Model.Dispose();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}

/// <summary>
/// One series' engine during a transform: buffers the first values, then one engine update per value; with a
/// frequency, a row whose time skips steps first adds a missing value (NaN) for each step skipped, as training did.
/// </summary>
internal sealed class ForecastStream(RnnForecastModel model, string key, SeriesFrequency? frequency = null)
{
    // A classical method (a series too short for the network) needs 3 points, the network 2.
    private readonly int _startAt = Math.Max(model.MethodOf(key) != ForecastMethod.Network ? 3 : 2, model.SeriesKeys.Contains(key) ? 2 : model.WindowSize + 1);
    private List<double>? _buffer = [];
    private int _observed;
    private DateTime? _last;

    public RnnForecastEngine? Engine { get; private set; }

    /// <summary>Adds the value observed at <paramref name="time"/>, after the missing values of any gap before it.</summary>
    /// <exception cref="DataException">The time is not after the previous one, or not a whole number of steps after it.</exception>
    public void Add(double value, DateTime time)
    {
        if (_last is { } last && frequency is not null)
        {
            long steps = frequency.StepsBetween(last, time)
                ?? throw new DataException($"time {time:s} is not one or more {frequency} steps after the row before ({last:s}); rows must be in time order, one per time.");
            for (long k = 1; k < steps; k++) Add(double.NaN);
        }
        _last = time;
        Add(value);
    }

    public void Add(double value)
    {
        if (Engine is not null)
        {
            Engine.Update(value);
            return;
        }
        _buffer!.Add(value);
        if (double.IsFinite(value)) _observed++;
        if (_observed < _startAt) return;
        Engine = model.CreateEngine(_buffer, key);
        _buffer = null;
    }
}
