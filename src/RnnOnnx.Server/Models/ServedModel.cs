using RnnOnnx.Captioning;
using RnnOnnx.Forecasting;
using RnnOnnx.Text;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime.Tensors;

namespace RnnOnnx.Server.Models;

/// <summary>
/// One <c>.onnx</c> file of the models folder: its bytes and metadata (enough for <c>/run</c>), and the loaded
/// model its task calls for. A file that could not be loaded for its task stays listed with the reason.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    public required string Name { get; init; }

    public required string File { get; init; }

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
    }
}
