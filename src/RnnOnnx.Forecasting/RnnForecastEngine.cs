using System.Security.Cryptography;
using System.Text;
using RnnOnnx.Forecasting.Inference;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Runtime;
using RnnOnnx.Serialization;

namespace RnnOnnx.Forecasting;

/// <summary>
/// A stream's forecaster with the semantics of ML.NET's <c>TimeSeriesPredictionEngine</c>: <see cref="Predict"/>
/// forecasts the next H points from everything seen, <see cref="Update"/> adds one observation, <see cref="CheckPoint"/>
/// saves model and state in one file and <see cref="Load(string)"/> continues from it. An update runs one step of the
/// step graph from the carried recurrent state: O(1) per observation, however long the stream.
/// </summary>
public sealed class RnnForecastEngine : IDisposable
{
    private const string Magic = "rnnonnx.forecast-engine/2";
    /// <summary>Checkpoints written before models had a drift; they read as drift 0, which is what their models used.</summary>
    private const string MagicWithoutDrift = "rnnonnx.forecast-engine/1";
    private readonly RnnForecastModel _model;
    private readonly bool _ownsModel;
    private readonly SeriesScaler _scaler;
    private readonly StepSession _stream;
    private readonly float[] _output;
    private double _lastZ;

    private RnnForecastEngine(RnnForecastModel model, bool ownsModel, string key, SeriesScaler scaler, StepSession stream, float[] output, double lastZ, long observations)
    {
        (_model, _ownsModel, Key, _scaler, _stream, _output, _lastZ, Observations) = (model, ownsModel, key, scaler, stream, output, lastZ, observations);
    }

    /// <summary>The stream's series key.</summary>
    public string Key { get; }

    /// <summary>Observations seen (history plus updates).</summary>
    public long Observations { get; private set; }

    internal static RnnForecastEngine Start(RnnForecastModel model, IReadOnlyList<double> history, string key)
    {
        var (z, scaler) = model.Prepare(history, key);
        var stream = model.Session.CreateStream();
        // Warm up on the trained context length: what the full model reads for the same history.
        var context = Training.ForecastWindows.Context(z, z.Length - 1, model.WindowSize, scaler.Scale);
        var output = new float[model.Horizon];
        ForecastSession.Run(stream, context, output);
        return new RnnForecastEngine(model, false, key, scaler, stream, output, z[^1], history.Count);
    }

    /// <summary>The next H points after everything seen so far, with intervals.</summary>
    public RnnForecast Predict() => _model.Decode(_output, _lastZ, _scaler);

    /// <summary>Adds one observation; a NaN (missing) observation is taken as the one-step forecast.</summary>
    public void Update(double observation)
    {
        double z = double.IsFinite(observation) ? _scaler.Forward(observation) : _lastZ + _scaler.Scale * (_output[0] + _scaler.Drift);
        if (!double.IsFinite(z)) throw new DataException($"Observation {observation} cannot be used: the model forecasts the log of this series, so values must be positive.");
        ForecastSession.Run(_stream, [(float)((z - _lastZ) / _scaler.Scale)], _output);
        _lastZ = z;
        Observations++;
    }

    /// <summary>Writes the model and this stream's state to one file, atomically.</summary>
    public void CheckPoint(string path) => AtomicFile.Write(path, stream =>
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(_model.OnnxModel.Length);
        w.Write(_model.OnnxModel);
        w.Write(Key);
        w.Write(_scaler.Log);
        w.Write(_scaler.Scale);
        w.Write(_scaler.Drift);
        w.Write(_lastZ);
        w.Write(Observations);
        WriteFloats(w, _output);
        var states = _model.Session.ReadStates(_stream);
        w.Write(states.Length);
        foreach (var s in states) WriteFloats(w, s);
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
            if (magic != Magic && magic != MagicWithoutDrift) throw new ModelFileException($"'{path}' is not a forecasting engine checkpoint.");
            var onnx = r.ReadBytes(Length(r, path, "model length", stream.Length - stream.Position));
            if (model is not null && !SHA256.HashData(onnx).AsSpan().SequenceEqual(SHA256.HashData(model.OnnxModel)))
                throw new ModelFileException($"Checkpoint '{path}' was written by another model: its weights or config differ from this model's.");
            model ??= opened = open(onnx, $"Checkpoint '{path}'");
            string key = r.ReadString();
            var scaler = new SeriesScaler(r.ReadBoolean(), r.ReadDouble());
            if (magic == Magic) scaler = scaler with { Drift = r.ReadDouble() };
            double lastZ = r.ReadDouble();
            long observations = r.ReadInt64();
            var output = ReadFloats(r, path, "output length");
            var states = new float[Length(r, path, "state count", (stream.Length - stream.Position) / sizeof(int))][];
            for (int i = 0; i < states.Length; i++) states[i] = ReadFloats(r, path, $"state {i} length");
            var expected = model.Session.ZeroStates();
            if (output.Length != model.Horizon || states.Length != expected.Length || states.Where((s, i) => s.Length != expected[i].Length).Any())
                throw new ModelFileException($"Checkpoint '{path}' does not fit the model: its state has other shapes.");
            var steps = model.Session.CreateStream();
            model.Session.WriteStates(steps, states);
            return new RnnForecastEngine(model, opened is not null, key, scaler, steps, output, lastZ, observations);
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

    private static void WriteFloats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    private static float[] ReadFloats(BinaryReader r, string path, string field)
    {
        int n = Length(r, path, field, (r.BaseStream.Length - r.BaseStream.Position) / sizeof(float));
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = r.ReadSingle();
        return values;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Dispose();
        if (_ownsModel) _model.Dispose();
    }
}
