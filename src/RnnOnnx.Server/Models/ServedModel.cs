using RnnOnnx.Captioning;
using RnnOnnx.Forecasting;
using RnnOnnx.Text;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime.Tensors;
using RnnOnnx.Server.Problems;
using RnnOnnx.Server.V2;

namespace RnnOnnx.Server.Models;

/// <summary>
/// One <c>.onnx</c> file of the models folder: its bytes and metadata (enough for <c>/run</c>), and the loaded
/// model its task calls for. A file that could not be loaded for its task stays listed with the reason.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    public required string Name { get; init; }

    public required string File { get; init; }

    /// <summary>The version this file is (a Triton layout's version folder; 1 for a plain <c>.onnx</c> file).</summary>
    public long Version { get; init; } = 1;

    /// <summary>The file's length and last write time when it was read: a poll reloads the model when they change.</summary>
    public (long Length, DateTime Written) Fingerprint { get; init; }

    /// <summary>The raw <c>rnnonnx.task</c> metadata, or "" when the file has none (any ONNX model: /run only).</summary>
    public required string TaskName { get; init; }

    /// <summary>The task the file names, or null when it names none or one this version does not know.</summary>
    public ModelTask? Task => ModelTasks.TryParse(TaskName, out var task) ? task : null;

    /// <summary>The file's bytes (null when it could not be read), for <c>/run</c> and the listing.</summary>
    public byte[]? Onnx { get; init; }

    private readonly Lock _runnerGate = new();
    private TensorRunner? _runner;
    private bool _disposed;

    /// <summary>
    /// The session <c>/run</c> shares across its calls, opened by the first one (most models are never run that
    /// way, and the task endpoints keep their own). A failed open is not remembered: the next call tries again.
    /// Its load warnings were already logged when the model loaded.
    /// </summary>
    public TensorRunner Runner
    {
        get
        {
            lock (_runnerGate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _runner ??= new TensorRunner(Onnx!, warning: _ => { });
            }
        }
    }

    /// <summary>Whether a <c>/run</c> call has opened <see cref="Runner"/> yet.</summary>
    public bool RunnerOpened
    {
        get { lock (_runnerGate) return _runner is not null; }
    }

    public OnnxModelInfo? Info { get; init; }

    public RnnForecastModel? Forecaster { get; init; }

    public TextGenerator? Generator { get; init; }

    /// <summary>The captioner (thread-safe: its ONNX Runtime sessions are shared, each call builds its own data views).</summary>
    public ImageCaptioner? Captioner { get; init; }

    /// <summary>Why the model cannot serve its task (null when it can).</summary>
    public string? NotReadyReason { get; init; }

    public bool Ready => NotReadyReason is null;

    /// <summary>Set when the catalog replaced or removed this model: requests still holding it finish without new per-model machinery (batchers, sequences).</summary>
    public bool Retired { get; set; }

    private readonly Lock _v2Gate = new();
    private V2Model? _v2;

    /// <summary>The model as the Open Inference Protocol runs it (its own session, opened by the first /v2 call).</summary>
    /// <exception cref="ProblemException">ONNX Runtime cannot open the file (400).</exception>
    public V2Model V2
    {
        get
        {
            lock (_v2Gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _v2 ??= V2Model.Open(this);
            }
        }
    }

    public void Dispose()
    {
        Forecaster?.Dispose();
        Generator?.Dispose();
        Captioner?.Dispose();
        lock (_runnerGate)
        {
            _disposed = true;
            _runner?.Dispose();
            _runner = null;
        }
        lock (_v2Gate)
        {
            _v2?.Dispose();
            _v2 = null;
        }
    }
}
