using System.Text.Json;
using RnnOnnx.Forecasting.Classical;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Forecasting.Inference;
using RnnOnnx.Forecasting.Training;
using RnnOnnx.Onnx;
using RnnOnnx.Serialization;
using RnnOnnx.Runtime;

namespace RnnOnnx.Forecasting;

/// <summary>
/// A trained recurrent forecaster: one ONNX file (the seed ensemble's step graphs merged, with window, horizon,
/// season, per-series scalers and calibrated interval widths as <c>rnnonnx.config</c>), run on ONNX Runtime.
/// <code>
/// using var model = RnnForecastTrainer.Train([new ForecastSeries(history)], new RnnForecastOptions { Horizon = 24, Seasons = [12], Seed = 1 });
/// RnnForecast next = model.Forecast(history);
/// model.Save("airpassengers.onnx");
/// </code>
/// </summary>
public sealed class RnnForecastModel : IDisposable
{
    private readonly ForecastSession _session;

    internal RnnForecastModel(byte[] onnx, ForecastConfig config, ExecutionProvider provider, Action<string>? warn, string source = "The forecasting model")
    {
        OnnxModel = onnx;
        Config = config;
        _session = new ForecastSession(onnx, source, provider, Warnings.OrDefault(warn));
    }

    internal ForecastConfig Config { get; }

    internal ForecastSession Session => _session;

    /// <summary>The ONNX model bytes (what <see cref="Save"/> writes).</summary>
    public byte[] OnnxModel { get; }

    /// <summary>Points forecast at once.</summary>
    public int Horizon => Config.Horizon;

    /// <summary>Steps of history the network reads.</summary>
    public int WindowSize => Config.Window;

    /// <summary>Seasons the series were tested for (the options' or the detected one; [1] = none). A season is removed from a series as a profile only where it was significant there.</summary>
    public IReadOnlyList<int> Seasons => Config.SeasonList;

    /// <summary>Coverage the default interval is calibrated for (the first of <see cref="RnnForecast.Intervals"/> when no levels are asked for).</summary>
    public double ConfidenceLevel => Config.Confidence;

    /// <summary>Series keys seen in training (each with its own scaler).</summary>
    public IReadOnlyCollection<string> SeriesKeys => Config.Series.Keys;

    /// <summary>The training report (null for a loaded model).</summary>
    public ForecastTrainingReport? Report { get; internal init; }

    /// <summary>
    /// How the series <paramref name="key"/> is forecast: <see cref="ForecastMethod.Network"/> or
    /// <see cref="ForecastMethod.Ets"/> (too short for the network; <see cref="ForecastMethod.Theta"/> in older files),
    /// as recorded per series in the config. A key not seen in training is forecast by the network, or by exponential
    /// smoothing when the model has no network (every training series was too short).
    /// </summary>
    public ForecastMethod MethodOf(string key) => MethodFor(key).Method;

    internal SeriesMethod MethodFor(string key) =>
        Config.Methods.TryGetValue(key, out var m) ? m
        : new SeriesMethod(Config.Network ? ForecastMethod.Network : Config.Classical, []);

    /// <summary>Forecasts the next <see cref="Horizon"/> points after <paramref name="history"/> (NaN = missing, filled), with the interval at <see cref="ConfidenceLevel"/>.</summary>
    /// <param name="history">The series up to now, from its first point (the seasonal phase counts from there).</param>
    /// <param name="key">The series' key; an unseen key is scaled from its own history.</param>
    public RnnForecast Forecast(IReadOnlyList<double> history, string key = "") => ForecastBatch([PrepareInput(history, key)])[0];

    /// <summary>Forecasts the next <see cref="Horizon"/> points with one interval per level, in the order given.</summary>
    /// <param name="history">The series up to now, from its first point.</param>
    /// <param name="key">The series' key.</param>
    /// <param name="levels">Coverage levels, each a fraction in (0, 1), e.g. [0.8, 0.95].</param>
    /// <exception cref="ArgumentOutOfRangeException">A level is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">The model file predates several levels (version 1) and a level other than its own was asked for.</exception>
    public RnnForecast Forecast(IReadOnlyList<double> history, string key, IReadOnlyList<double> levels)
    {
        CheckLevels(levels);
        return ForecastBatch([PrepareInput(history, key)], levels)[0];
    }

    /// <summary>Checks and prepares one series for <see cref="ForecastBatch(IReadOnlyList{RnnForecastInput})"/> (NaN = missing, filled).</summary>
    /// <param name="history">The series up to now, from its first point.</param>
    /// <param name="key">The series' key; an unseen key is scaled from its own history.</param>
    /// <exception cref="DataException">The history is too short, all missing, or not positive where the model forecasts its log.</exception>
    public RnnForecastInput PrepareInput(IReadOnlyList<double> history, string key = "")
    {
        var series = Prepare(history, key);
        var method = series.Method.Method;
        var a = series.Adjusted;
        var context = ClassicalFallback.NeedsNetwork(method) ? ForecastWindows.Context(a, a.Length - 1, Config.Window, series.Scaler.Scale) : [];
        var (classical, scores) = method == ForecastMethod.Network ? (null, null)
            : ClassicalFallback.ForecastWithScores(series.Method, a, series.Next, Config.Horizon, series.Scaler.Scale);
        return new RnnForecastInput(this, series, context, classical, scores);
    }

    /// <summary>
    /// Forecasts many prepared series with one ONNX Runtime call per distinct context length (one call in all when
    /// every history is at least a window long): the same numbers as <see cref="Forecast(IReadOnlyList{double}, string)"/> one by one, for a
    /// fraction of the per-call cost. Results are in the order of <paramref name="inputs"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An input was prepared by another model.</exception>
    public IReadOnlyList<RnnForecast> ForecastBatch(IReadOnlyList<RnnForecastInput> inputs) => ForecastBatch(inputs, [Config.Confidence]);

    /// <summary>As <see cref="ForecastBatch(IReadOnlyList{RnnForecastInput})"/>, with one interval per level (fractions in (0, 1)), in the order given.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A level is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">An input was prepared by another model, or a version 1 model file was asked for a level other than its own.</exception>
    public IReadOnlyList<RnnForecast> ForecastBatch(IReadOnlyList<RnnForecastInput> inputs, IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckLevels(levels);
        if (inputs.Any(i => !ReferenceEquals(i.Model, this)))
            throw new ArgumentException("Every input must come from this model's PrepareInput.", nameof(inputs));
        var results = new RnnForecast[inputs.Count];
        for (int i = 0; i < inputs.Count; i++) if (!inputs[i].UsesNetwork) results[i] = Decode(null, inputs[i], levels);
        // Rows of one call must share their length: a zero-padded row would run the padding through the recurrence.
        foreach (var group in Enumerable.Range(0, inputs.Count).Where(i => inputs[i].UsesNetwork).GroupBy(i => inputs[i].Context.Length))
        {
            var rows = group.ToArray();
            var outputs = _session.RunBatch(rows.Select(i => inputs[i].Context).ToArray(), Config.Horizon);
            for (int r = 0; r < rows.Length; r++) results[rows[r]] = Decode(outputs[r], inputs[rows[r]], levels);
        }
        return results;
    }

    /// <summary>Refuses an empty list or a level outside (0, 1), naming it; a version 1 file serves only its own level.</summary>
    internal void CheckLevels(IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.Count == 0) throw new ArgumentException("Give at least one interval level.", nameof(levels));
        foreach (double level in levels)
        {
            if (!(level > 0 && level < 1))
                throw new ArgumentOutOfRangeException(nameof(levels), level, $"Interval level {level.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside (0, 1): give a fraction such as 0.8 or 0.95.");
            if (Config.ScoreGrid is null && Math.Abs(level - Config.Confidence) > 1e-6)
                throw new ArgumentException($"This model file was calibrated for {Config.Confidence:P0} intervals only (it was written before several levels were supported): level {level.ToString(System.Globalization.CultureInfo.InvariantCulture)} needs a model retrained with this version.", nameof(levels));
        }
    }

    /// <summary>A stateful engine positioned after <paramref name="history"/> (see <see cref="RnnForecastEngine"/>).</summary>
    public RnnForecastEngine CreateEngine(IReadOnlyList<double> history, string key = "") => RnnForecastEngine.Start(this, history, key);

    /// <summary>Writes the ONNX model atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, OnnxModel);

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <param name="path">The ONNX file.</param>
    /// <param name="provider">Where ONNX Runtime runs (default: CPU).</param>
    /// <param name="warn">Receives load warnings (e.g. <see cref="ExecutionProvider.Auto(int)"/> falling back to the CPU); default: standard error (<see cref="Warnings.Default"/>).</param>
    /// <exception cref="ModelFileException">The file is not an RnnOnnx forecasting model.</exception>
    public static RnnForecastModel Load(string path, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        byte[] bytes;
        try { bytes = Serialization.InputFile.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFileException($"Model file '{path}' cannot be read: {e.Message}", e); }
        return FromBytes(bytes, $"Model file '{path}'", provider, warn);
    }

    /// <summary>Opens a forecaster from the bytes of its ONNX file (already read, e.g. by a server that also serves the raw file).</summary>
    /// <param name="bytes">The ONNX file's bytes.</param>
    /// <param name="source">Names the model in error messages, e.g. <c>Model file 'x.onnx'</c>.</param>
    /// <param name="provider">Where ONNX Runtime runs (default: CPU).</param>
    /// <param name="warn">Receives load warnings; default: standard error.</param>
    /// <exception cref="ModelFileException">The bytes are not an RnnOnnx forecasting model.</exception>
    public static RnnForecastModel FromBytes(byte[] bytes, string source, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        IReadOnlyDictionary<string, string> metadata;
        try { metadata = OnnxModelInfo.Read(bytes).Metadata; }
        catch (Exception e) when (e is not RnnOnnxException) { throw new ModelFileException($"{source} is not an ONNX model: {e.Message}", e); }
        if (!metadata.TryGetValue(RnnOnnxMetadata.Task, out var task) || !ModelTasks.TryParse(task, out var parsed) || parsed != ModelTask.Forecast)
            throw new ModelFileException($"{source} is not a forecasting model (rnnonnx.task is '{task ?? "missing"}').");
        var config = ForecastConfig.Parse(metadata.GetValueOrDefault(RnnOnnxMetadata.Config, "{}"), source);
        return new RnnForecastModel(bytes, config, provider ?? ExecutionProvider.Cpu, warn, source);
    }

    /// <summary>
    /// Fills, transforms and seasonally adjusts a history. A known key keeps its trained scaler and seasonal profiles
    /// (its history is taken to start where its training series started: the phase counts from there); an unseen key
    /// is scaled, tested for seasons and adjusted from its own history (phase from its first point).
    /// </summary>
    internal PreparedSeries Prepare(IReadOnlyList<double> history, string key)
    {
        ArgumentNullException.ThrowIfNull(history);
        string name = key.Length == 0 ? "the series" : $"'{key}'";
        var method = MethodFor(key);
        int least = method.Method == ForecastMethod.Network ? 2 : 3;
        if (history.Count < least) throw new DataException($"The history of {name} has {history.Count} point(s); at least {least} are needed.");
        var y = MissingValues.Fill(history, name, out _);
        bool known = Config.Series.TryGetValue(key, out var scaler);
        bool log = known ? scaler!.Log : SeriesScaler.UsesLog(y, Config.Transform, name);
        if (log && y.Any(v => v <= 0)) throw new DataException($"The history of {name} has values ≤ 0, but the model forecasts its log.");
        var z = y.Select(v => log ? Math.Log(v) : v).ToArray();
        if (!known && method.Method == ForecastMethod.Ets) method = SeriesMethod.Ets(z, Config.SeasonList);
        else if (!known)
        {
            int[] found = Config.AdjustSeasons ? SeasonalAdjustment.Significant(z, Config.SeasonList) : [];
            method = method with { Seasons = found, Profiles = SeasonalAdjustment.Profiles(z, found) };
        }
        var a = new double[z.Length];
        for (int t = 0; t < z.Length; t++) a[t] = z[t] - SeasonalAdjustment.At(method.Profiles, method.Seasons, t);
        scaler = known ? scaler! : SeriesScaler.FitAdjusted(a, log, name);
        return new PreparedSeries(a, scaler, method.Seasons, method.Profiles, method, z.Length);
    }

    /// <summary>
    /// Turns the network's scaled outputs and/or a classical method's forecasts into values and intervals: on the adjusted scale
    /// a_{n+h} = a_n + s·(out_h + h·d) for the network, the classical forecast f_h for a classical method,
    /// (1 − w)·network + w·f_h for a blend, plus the seasonal profile at n+h, back-transformed; the half-width at level c
    /// is s·q_c·√h with q_c the conformal score quantile (the model's for the network and a blend, the series' own
    /// rolling-origin scores for a classical method).
    /// </summary>
    internal RnnForecast Decode(float[]? output, RnnForecastInput input, IReadOnlyList<double> levels) =>
        Decode(output, input.Series, input.Classical, input.ClassicalScores, levels);

    internal RnnForecast Decode(float[]? output, PreparedSeries series, double[]? classical, double[]? classicalScores, IReadOnlyList<double> levels)
    {
        int h = Config.Horizon;
        var scaler = series.Scaler;
        double w = series.Method.ClassicalWeight;
        var centre = new double[h];
        var forecast = new float[h];
        for (int i = 0; i < h; i++)
        {
            double network = w < 1 ? series.LastAdjusted + scaler.Scale * (output![i] + (i + 1) * scaler.Drift) : 0;
            double a = w > 0 ? (1 - w) * network + w * classical![i] : network;
            centre[i] = a + series.Seasonal(series.Next + i);
            forecast[i] = (float)scaler.Inverse(centre[i]);
        }
        var intervals = new ForecastInterval[levels.Count];
        for (int l = 0; l < levels.Count; l++)
        {
            var lower = new float[h];
            var upper = new float[h];
            double q = classicalScores is not null ? ClassicalFallback.Quantile(classicalScores, levels[l]) : Config.ScoreGrid is null ? double.NaN : GridScore(levels[l]);
            for (int i = 0; i < h; i++)
            {
                // A version 1 file has only its one level's half-widths (CheckLevels let nothing else through).
                double width = scaler.Scale * (double.IsNaN(q) ? Config.IntervalHalfWidth[i] : q * Math.Sqrt(i + 1));
                lower[i] = (float)scaler.Inverse(centre[i] - width);
                upper[i] = (float)scaler.Inverse(centre[i] + width);
            }
            intervals[l] = new ForecastInterval(levels[l], lower, upper);
        }
        return new RnnForecast(forecast, intervals[0].Lower, intervals[0].Upper) { Intervals = intervals };
    }

    /// <summary>The split-conformal score for level c: the ⌈(N+1)c⌉-th smallest of the N calibration scores (at most the largest), read off the stored quantile grid.</summary>
    private double GridScore(double level)
    {
        var grid = Config.ScoreGrid!;
        int n = Math.Max(1, Config.CalibrationResiduals);
        int rank = Math.Min(n, (int)Math.Ceiling((n + 1) * level));
        return ScoreGrid.At(grid, n == 1 ? 0 : (rank - 1.0) / (n - 1));
    }

    /// <summary>Whether <see cref="Dispose"/> ran (for tests of who disposes what).</summary>
    internal bool IsDisposed { get; private set; }

    /// <inheritdoc/>
    public void Dispose()
    {
        IsDisposed = true;
        _session.Dispose();
    }
}
