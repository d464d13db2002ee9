using System.Text.Json;
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
/// using var model = RnnForecastTrainer.Train([new ForecastSeries(history)], new RnnForecastOptions { Horizon = 24, Season = 12, Seed = 1 });
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

    /// <summary>Season length (1 = none).</summary>
    public int Season => Config.Season;

    /// <summary>Coverage the intervals were calibrated for.</summary>
    public double ConfidenceLevel => Config.Confidence;

    /// <summary>Series keys seen in training (each with its own scaler).</summary>
    public IReadOnlyCollection<string> SeriesKeys => Config.Series.Keys;

    /// <summary>The training report (null for a loaded model).</summary>
    public ForecastTrainingReport? Report { get; internal init; }

    /// <summary>Forecasts the next <see cref="Horizon"/> points after <paramref name="history"/> (NaN = missing, filled).</summary>
    /// <param name="history">The series up to now.</param>
    /// <param name="key">The series' key; an unseen key is scaled from its own history.</param>
    public RnnForecast Forecast(IReadOnlyList<double> history, string key = "") => ForecastBatch([PrepareInput(history, key)])[0];

    /// <summary>Checks and prepares one series for <see cref="ForecastBatch"/> (NaN = missing, filled).</summary>
    /// <param name="history">The series up to now.</param>
    /// <param name="key">The series' key; an unseen key is scaled from its own history.</param>
    /// <exception cref="DataException">The history is too short, all missing, or not positive where the model forecasts its log.</exception>
    public RnnForecastInput PrepareInput(IReadOnlyList<double> history, string key = "")
    {
        var (z, scaler) = Prepare(history, key);
        return new RnnForecastInput(this, ForecastWindows.Context(z, z.Length - 1, Config.Window, scaler.Scale), z[^1], scaler);
    }

    /// <summary>
    /// Forecasts many prepared series with one ONNX Runtime call per distinct context length (one call in all when
    /// every history is at least a window long): the same numbers as <see cref="Forecast"/> one by one, for a
    /// fraction of the per-call cost. Results are in the order of <paramref name="inputs"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An input was prepared by another model.</exception>
    public IReadOnlyList<RnnForecast> ForecastBatch(IReadOnlyList<RnnForecastInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Any(i => !ReferenceEquals(i.Model, this)))
            throw new ArgumentException("Every input must come from this model's PrepareInput.", nameof(inputs));
        var results = new RnnForecast[inputs.Count];
        // Rows of one call must share their length: a zero-padded row would run the padding through the recurrence.
        foreach (var group in Enumerable.Range(0, inputs.Count).GroupBy(i => inputs[i].Context.Length))
        {
            var rows = group.ToArray();
            var outputs = _session.RunBatch(rows.Select(i => inputs[i].Context).ToArray(), Config.Horizon);
            for (int r = 0; r < rows.Length; r++) results[rows[r]] = Decode(outputs[r], inputs[rows[r]].LastZ, inputs[rows[r]].Scaler);
        }
        return results;
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

    internal (double[] Z, SeriesScaler Scaler) Prepare(IReadOnlyList<double> history, string key)
    {
        ArgumentNullException.ThrowIfNull(history);
        string name = key.Length == 0 ? "the series" : $"'{key}'";
        if (history.Count < 2) throw new DataException($"The history of {name} has {history.Count} point(s); at least 2 are needed.");
        var y = MissingValues.Fill(history, name, out _);
        var scaler = Config.Series.TryGetValue(key, out var known) ? known
            : SeriesScaler.Fit(y, Config.Transform, name);
        if (scaler.Log && y.Any(v => v <= 0)) throw new DataException($"The history of {name} has values ≤ 0, but the model forecasts its log.");
        return (y.Select(scaler.Forward).ToArray(), scaler);
    }

    internal RnnForecast Decode(float[] output, double lastZ, SeriesScaler scaler)
    {
        int h = Config.Horizon;
        var forecast = new float[h];
        var lower = new float[h];
        var upper = new float[h];
        for (int i = 0; i < h; i++)
        {
            double z = lastZ + scaler.Scale * (output[i] + (i + 1) * scaler.Drift), width = scaler.Scale * Config.IntervalHalfWidth[i];
            forecast[i] = (float)scaler.Inverse(z);
            lower[i] = (float)scaler.Inverse(z - width);
            upper[i] = (float)scaler.Inverse(z + width);
        }
        return new RnnForecast(forecast, lower, upper);
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
