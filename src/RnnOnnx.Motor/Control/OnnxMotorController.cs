using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Runtime;

namespace RnnOnnx.Motor;

/// <summary>
/// A motor controller's ONNX step model on ONNX Runtime through the Runtime's <see cref="StepSession"/>: one run per
/// control step with the observation [batch, 1, inputs]; the GRU state (<c>h_in_0</c> → <c>h_out_0</c>) is carried
/// by the session.
/// </summary>
public sealed class OnnxMotorController : IMotorController, IDisposable
{
    private readonly InferenceSession _session;
    private readonly StepSession _steps;
    private float[] _h = [];

    internal OnnxMotorController(byte[] onnx, int inputs, int hidden, int outputs)
    {
        _session = SessionFactory.Create(onnx, ExecutionProvider.Cpu, intraOpThreads: 1, _ => { }, out _);
        _steps = new StepSession(_session, rows: 0);
        Inputs = inputs;
        Hidden = hidden;
        Outputs = outputs;
        if (_steps.Features != inputs || _steps.OutputWidth != outputs || _steps.StateWidth != hidden)
            throw new ModelFileException($"The ONNX controller takes {_steps.Features} inputs, gives {_steps.OutputWidth} outputs and carries {_steps.StateWidth} state values; expected {inputs}, {outputs} and {hidden}.");
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
        _steps.Resize(batch);
        _steps.Reset();
        _h = new float[batch * Hidden];
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, Span<float> excitations)
    {
        int rows = _steps.Rows;
        if (rows == 0) throw new InvalidOperationException("Call Reset before Act.");
        if (observations.Length != rows * Inputs || excitations.Length != rows * Outputs)
            throw new ShapeException($"Controller step expects {rows}×{Inputs} observations and {rows}×{Outputs} excitations, got {observations.Length} and {excitations.Length} values.");
        _steps.Run(observations, steps: 1).CopyTo(excitations);
        for (int b = 0; b < rows; b++) _steps.GetState(b, _h.AsSpan(b * Hidden, Hidden));
    }

    /// <summary>Releases the session.</summary>
    public void Dispose()
    {
        _steps.Dispose();
        _session.Dispose();
    }
}
