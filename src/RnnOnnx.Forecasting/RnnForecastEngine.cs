using System.Security.Cryptography;
using System.Text;
using RnnOnnx.Forecasting.Inference;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Runtime;
using RnnOnnx.Serialization;

namespace RnnOnnx.Forecasting;

/// <summary>
/// A stream's forecaster with the semantics of ML.NET's <c>TimeSeriesPredictionEngine</c>: <see cref="Predict()"/>
/// forecasts the next H points from everything seen, <see cref="Update"/> adds one observation, <see cref="CheckPoint"/>
/// saves model and state in one file and <see cref="Load(string)"/> continues from it. An update runs one step of the
/// step graph from the carried recurrent state: O(1) per observation, however long the stream.
/// </summary>
public sealed class RnnForecastEngine : IDisposable
{
    private const string Magic = "rnnonnx.forecast-engine/4";
    /// <summary>Checkpoints written before exponential smoothing: no ETS season.</summary>
    private const string MagicWithoutEts = "rnnonnx.forecast-engine/3";
    /// <summary>Checkpoints written before seasonal profiles and Theta: no profiles, network only.</summary>
    private const string MagicWithoutSeasons = "rnnonnx.forecast-engine/2";
    /// <summary>Checkpoints written before models had a drift; they read as drift 0, which is what their models used.</summary>
    private const string MagicWithoutDrift = "rnnonnx.forecast-engine/1";
    private readonly RnnForecastModel _model;
    private readonly bool _ownsModel;
    private readonly StepSession _stream;
    private readonly float[] _output;
    // The series as the model reads it: scaler, method, seasons and their profiles (fixed at Start: the engine
    // continues the phase, it does not re-estimate them), the last adjusted value and the next time index.
    private PreparedSeries _series;
    // The newest adjusted values (at most the classical methods' memory), for series forecast by one of them.
    private readonly List<double> _recent;

    private RnnForecastEngine(RnnForecastModel model, bool ownsModel, string key, PreparedSeries series, List<double> recent, StepSession stream, float[] output)
    {
        (_model, _ownsModel, Key, _series, _recent, _stream, _output) = (model, ownsModel, key, series, recent, stream, output);
    }

    /// <summary>The stream's series key.</summary>
    public string Key { get; }

    /// <summary>Observations seen (history plus updates).</summary>
    public long Observations => _series.Next;

    /// <summary>Whether the step graph runs (the network alone or in a blend).</summary>
    private bool UsesNetwork => Classical.ClassicalFallback.NeedsNetwork(_series.Method.Method);

    /// <summary>Whether recent values are kept for a classical method (alone or in a blend).</summary>
    private bool UsesClassical => _series.Method.Method != ForecastMethod.Network;

    internal static RnnForecastEngine Start(RnnForecastModel model, IReadOnlyList<double> history, string key)
    {
        var series = model.Prepare(history, key);
        var stream = model.Session.CreateStream();
        var output = new float[model.Horizon];
        if (Classical.ClassicalFallback.NeedsNetwork(series.Method.Method))
        {
            // Warm up on the trained context length: what the full model reads for the same history.
            var context = Training.ForecastWindows.Context(series.Adjusted, series.Adjusted.Length - 1, model.WindowSize, series.Scaler.Scale);
            ForecastSession.Run(stream, context, output);
        }
        var recent = series.Method.Method == ForecastMethod.Network ? [] : series.Adjusted[Math.Max(0, series.Adjusted.Length - Classical.ClassicalFallback.Memory)..].ToList();
        return new RnnForecastEngine(model, false, key, series with { Adjusted = [series.LastAdjusted] }, recent, stream, output);
    }

    /// <summary>The next H points after everything seen so far, with the interval at the model's confidence level.</summary>
    public RnnForecast Predict() => Predict([_model.ConfidenceLevel]);

    /// <summary>The next H points after everything seen so far, with one interval per level (fractions in (0, 1)), in the order given.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A level is not in (0, 1).</exception>
    public RnnForecast Predict(IReadOnlyList<double> levels)
    {
        _model.CheckLevels(levels);
        double[]? classical = null, scores = null;
        if (UsesClassical)
        {
            var recent = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_recent);
            (classical, scores) = Classical.ClassicalFallback.ForecastWithScores(_series.Method, recent, _series.Next, _model.Horizon, _series.Scaler.Scale);
        }
        return _model.Decode(UsesNetwork ? _output : null, _series, classical, scores, levels);
    }

    /// <summary>Adds one observation; a NaN (missing) observation is taken as the one-step forecast.</summary>
    public void Update(double observation)
    {
        var scaler = _series.Scaler;
        double a;
        if (double.IsFinite(observation))
        {
            double z = scaler.Forward(observation);
            if (!double.IsFinite(z)) throw new DataException($"Observation {observation} cannot be used: the model forecasts the log of this series, so values must be positive.");
            a = z - _series.Seasonal(_series.Next);
        }
        else
        {
            // The one-step forecast on the adjusted scale (what Decode adds the profile to), as the method makes it.
            double network = UsesNetwork ? _series.LastAdjusted + scaler.Scale * (_output[0] + scaler.Drift) : 0;
            double classical = UsesClassical ? Classical.ClassicalFallback.Forecast(_series.Method, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_recent), _series.Next, 1)[0] : 0;
            double w = _series.Method.ClassicalWeight;
            a = (1 - w) * network + w * classical;
        }
        if (UsesNetwork)
            ForecastSession.Run(_stream, [(float)((a - _series.LastAdjusted) / scaler.Scale)], _output);
        if (UsesClassical)
        {
            _recent.Add(a);
            if (_recent.Count > Classical.ClassicalFallback.Memory) _recent.RemoveAt(0);
        }
        _series = _series with { Adjusted = [a], Next = _series.Next + 1 };
    }

    /// <summary>Writes the model and this stream's state to one file, atomically.</summary>
    public void CheckPoint(string path) => AtomicFile.Write(path, stream =>
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(_model.OnnxModel.Length);
        w.Write(_model.OnnxModel);
        w.Write(Key);
        w.Write(_series.Scaler.Log);
        w.Write(_series.Scaler.Scale);
        w.Write(_series.Scaler.Drift);
        w.Write(_series.LastAdjusted);
        w.Write(_series.Next);
        WriteArray(w, _output);
        var states = _model.Session.ReadStates(_stream);
        w.Write(states.Length);
        foreach (var s in states) WriteArray(w, s);
        // Format 3: method, seasons with their profiles, a classical method's recent adjusted values.
        w.Write((int)_series.Method.Method);
        w.Write(_series.Seasons.Length);
        for (int k = 0; k < _series.Seasons.Length; k++) { w.Write(_series.Seasons[k]); WriteArray(w, _series.Profiles[k]); }
        WriteArray(w, [.. _recent]);
        // Format 4: exponential smoothing's season and its weight in a blend.
        w.Write(_series.Method.EtsSeason);
        w.Write(_series.Method.EtsWeight);
    });

    /// <summary>Continues from a checkpoint, with the model stored in it.</summary>
    /// <exception cref="ModelFileException">The file is not an engine checkpoint.</exception>
    public static RnnForecastEngine Load(string path) => Read(path, null);

    /// <summary>Continues from a checkpoint on an already loaded model.</summary>
    /// <exception cref="ModelFileException">The file is not an engine checkpoint, or it was written by another model.</exception>
    public static RnnForecastEngine Load(string path, RnnForecastModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Read(path, model);
    }

    private static RnnForecastEngine Read(string path, RnnForecastModel? model) =>
        Read(path, model, (bytes, source) => RnnForecastModel.FromBytes(bytes, source));

    /// <summary>
    /// Reads a checkpoint; the model stored in it is opened by <paramref name="open"/> (tests watch it) and disposed
    /// again when the rest of the file turns out to be bad. Every length field is checked before it is used, and an
    /// error names the file and the field.
    /// </summary>
    internal static RnnForecastEngine Read(string path, RnnForecastModel? model, Func<byte[], string, RnnForecastModel> open)
    {
        RnnForecastModel? opened = null;
        try
        {
            using var stream = Serialization.InputFile.OpenRead(path);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            string magic = stream.Length < Magic.Length ? "" : r.ReadString();
            if (magic != Magic && magic != MagicWithoutEts && magic != MagicWithoutSeasons && magic != MagicWithoutDrift) throw new ModelFileException($"'{path}' is not a forecasting engine checkpoint.");
            var onnx = r.ReadBytes(Length(r, path, "model length", stream.Length - stream.Position));
            if (model is not null && !SHA256.HashData(onnx).AsSpan().SequenceEqual(SHA256.HashData(model.OnnxModel)))
                throw new ModelFileException($"Checkpoint '{path}' was written by another model: its weights or config differ from this model's.");
            model ??= opened = open(onnx, $"Checkpoint '{path}'");
            string key = r.ReadString();
            var scaler = new SeriesScaler(r.ReadBoolean(), r.ReadDouble());
            if (magic != MagicWithoutDrift) scaler = scaler with { Drift = r.ReadDouble() };
            double lastA = r.ReadDouble();
            long observations = r.ReadInt64();
            var output = ReadArray<float>(r, path, "output length");
            var states = new float[Length(r, path, "state count", (stream.Length - stream.Position) / sizeof(int))][];
            for (int i = 0; i < states.Length; i++) states[i] = ReadArray<float>(r, path, $"state {i} length");
            var expected = model.Session.ZeroStates();
            if (output.Length != model.Horizon || states.Length != expected.Length || states.Where((s, i) => s.Length != expected[i].Length).Any())
                throw new ModelFileException($"Checkpoint '{path}' does not fit the model: its state has other shapes.");
            var method = new Training.SeriesMethod(ForecastMethod.Network, []);
            double[][] profiles = [];
            List<double> recent = [];
            if (magic == Magic || magic == MagicWithoutEts)
            {
                int m = r.ReadInt32();
                if (!Enum.IsDefined((ForecastMethod)m)) throw new ModelFileException($"Checkpoint '{path}' is corrupt: its method field is {m}.");
                var seasons = new int[Length(r, path, "season count", (stream.Length - stream.Position) / sizeof(int))];
                profiles = new double[seasons.Length][];
                for (int k = 0; k < seasons.Length; k++)
                {
                    seasons[k] = r.ReadInt32();
                    profiles[k] = ReadArray<double>(r, path, $"profile {k} length");
                    if (seasons[k] < 2 || profiles[k].Length != seasons[k]) throw new ModelFileException($"Checkpoint '{path}' is corrupt: season {k} is {seasons[k]} with a profile of {profiles[k].Length} values.");
                }
                method = new Training.SeriesMethod((ForecastMethod)m, seasons) { Profiles = profiles };
                recent = [.. ReadArray<double>(r, path, "recent values length")];
                if (magic == Magic)
                {
                    int etsSeason = r.ReadInt32();
                    if (etsSeason < 1 || etsSeason > Classical.EtsMethod.MaxSeason) throw new ModelFileException($"Checkpoint '{path}' is corrupt: its ETS season is {etsSeason}, outside 1..{Classical.EtsMethod.MaxSeason}.");
                    double etsWeight = r.ReadDouble();
                    if (!(etsWeight >= 0 && etsWeight <= 1)) throw new ModelFileException($"Checkpoint '{path}' is corrupt: its ETS weight is {etsWeight}, outside [0, 1].");
                    method = method with { EtsSeason = etsSeason, EtsWeight = etsWeight };
                }
                if (recent.Count > observations) throw new ModelFileException($"Checkpoint '{path}' is corrupt: it holds {recent.Count} recent values but has seen only {observations} observations.");
                if (method.Method != ForecastMethod.Network && recent.Count < 3) throw new ModelFileException($"Checkpoint '{path}' is corrupt: a {method.Method} stream needs at least 3 recent values, it has {recent.Count}.");
            }
            var steps = model.Session.CreateStream();
            model.Session.WriteStates(steps, states);
            var series = new PreparedSeries([lastA], scaler, method.Seasons, profiles, method, observations);
            return new RnnForecastEngine(model, opened is not null, key, series, recent, steps, output);
        }
        catch (Exception e)
        {
            opened?.Dispose();
            throw e switch
            {
                EndOfStreamException => new ModelFileException($"Checkpoint '{path}' is truncated.", e),
                IOException or UnauthorizedAccessException => new ModelFileException($"Checkpoint '{path}' cannot be read: {e.Message}", e),
                _ => e is ModelFileException ? e : new ModelFileException($"Checkpoint '{path}' is corrupt: {e.Message}", e),
            };
        }
    }

    /// <summary>A length field: at least 0 and at most what the rest of the file can hold.</summary>
    private static int Length(BinaryReader r, string path, string field, long most)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > most) throw new ModelFileException($"Checkpoint '{path}' is corrupt: its {field} field is {n}, but only 0..{most} fit in the rest of the file.");
        return n;
    }

    /// <summary>
    /// A length-prefixed array of floats or doubles, written in one piece in the machine's byte order; the format is
    /// little-endian (as BinaryWriter writes the other fields), so a big-endian machine is refused rather than misread.
    /// </summary>
    private static void WriteArray<T>(BinaryWriter w, T[] values) where T : unmanaged
    {
        RequireLittleEndian();
        w.Write(values.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Forecast engine checkpoints are little-endian; this machine is not.");
    }

    /// <summary>Reads what <see cref="WriteArray"/> wrote; the length is checked against what the rest of the file holds.</summary>
    private static T[] ReadArray<T>(BinaryReader r, string path, string field) where T : unmanaged
    {
        RequireLittleEndian();
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int n = Length(r, path, field, (r.BaseStream.Length - r.BaseStream.Position) / size);
        var bytes = r.ReadBytes(n * size);
        if (bytes.Length != n * size) throw new EndOfStreamException();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Dispose();
        if (_ownsModel) _model.Dispose();
    }
}
