using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime;

namespace RnnOnnx.Motor;

/// <summary>
/// A motor controller's ONNX step model on ONNX Runtime: one <c>Run</c> per control step with the observation
/// [batch, 1, inputs] and the state <c>h_in_0</c> [batch, H]; <c>h_out_0</c> is fed back at the next step.
/// (Small on purpose: the Runtime's step session can replace it without changing callers.)
/// </summary>
public sealed class OnnxMotorController : IMotorController, IDisposable
{
    private const string StateIn = "h_in_0", StateOut = "h_out_0";
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private float[] _obs = [], _h = [];
    private int _batch;

    internal OnnxMotorController(byte[] onnx, int inputs, int hidden, int outputs)
    {
        _session = SessionFactory.Create(onnx, ExecutionProvider.Cpu, intraOpThreads: 1, _ => { }, out _);
        Inputs = inputs;
        Hidden = hidden;
        Outputs = outputs;
    }

    /// <inheritdoc />
    public int Inputs { get; }

    /// <inheritdoc />
    public int Hidden { get; }

    /// <inheritdoc />
    public int Outputs { get; }

    /// <inheritdoc />
    public ReadOnlySpan<float> HiddenState => _h;

    /// <inheritdoc />
    public void Reset(int batch)
    {
        if (batch < 1) throw new DataException($"Batch must be at least 1, got {batch}.");
        _batch = batch;
        _obs = new float[batch * Inputs];
        _h = new float[batch * Hidden];
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, Span<float> excitations)
    {
        if (_batch == 0) throw new InvalidOperationException("Call Reset before Act.");
        if (observations.Length != _batch * Inputs || excitations.Length != _batch * Outputs)
            throw new ShapeException($"Controller step expects {_batch}×{Inputs} observations and {_batch}×{Outputs} excitations, got {observations.Length} and {excitations.Length} values.");
        observations.CopyTo(_obs);
        using var x = OrtValue.CreateTensorValueFromMemory(_obs, [_batch, 1, Inputs]);
        using var h = OrtValue.CreateTensorValueFromMemory(_h, [_batch, Hidden]);
        using var results = _session.Run(_run, [OnnxExporter.InputName, StateIn], [x, h], [OnnxExporter.OutputName, StateOut]);
        results[0].GetTensorDataAsSpan<float>().CopyTo(excitations);
        results[1].GetTensorDataAsSpan<float>().CopyTo(_h);
    }

    /// <summary>Releases the session.</summary>
    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }
}
