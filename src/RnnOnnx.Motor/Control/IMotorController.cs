namespace RnnOnnx.Motor;

/// <summary>
/// A recurrent controller that maps one observation row per batch row to one excitation row per step and keeps
/// its hidden state between calls: the C# <see cref="GruPolicy"/> (<see cref="PolicyController"/>) or the exported
/// ONNX step model run on ONNX Runtime (<see cref="OnnxMotorController"/>).
/// </summary>
public interface IMotorController
{
    /// <summary>Observation width.</summary>
    int Inputs { get; }

    /// <summary>Hidden units.</summary>
    int Hidden { get; }

    /// <summary>Excitation width (muscles).</summary>
    int Outputs { get; }

    /// <summary>Starts <paramref name="batch"/> episodes with a zero hidden state.</summary>
    void Reset(int batch);

    /// <summary>One control step: observations [batch, Inputs] → excitations [batch, Outputs] (in (0, 1)); updates the hidden state.</summary>
    void Act(ReadOnlySpan<float> observations, Span<float> excitations);

    /// <summary>The hidden state after the last step, [batch, Hidden].</summary>
    ReadOnlySpan<float> HiddenState { get; }
}

/// <summary>The C# policy as a controller (float32, the training code's own step).</summary>
public sealed class PolicyController : IMotorController
{
    private readonly GruPolicy _policy;
    private float[] _h = [], _hNext = [], _gates = [], _hrn = [], _gx = [];
    private int _batch;

    /// <summary>Wraps a policy.</summary>
    public PolicyController(GruPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
    }

    /// <inheritdoc />
    public int Inputs => _policy.Inputs;

    /// <inheritdoc />
    public int Hidden => _policy.Hidden;

    /// <inheritdoc />
    public int Outputs => _policy.Outputs;

    /// <inheritdoc />
    public ReadOnlySpan<float> HiddenState => _h.AsSpan(0, _batch * Hidden);

    /// <inheritdoc />
    public void Reset(int batch)
    {
        if (batch < 1) throw new DataException($"Batch must be at least 1, got {batch}.");
        _batch = batch;
        int h = Hidden;
        _h = new float[batch * h];
        _hNext = new float[batch * h];
        _gates = new float[batch * 3 * h];
        _hrn = new float[batch * h];
        _gx = new float[batch * 3 * h];
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observations, Span<float> excitations)
    {
        if (_batch == 0) throw new InvalidOperationException("Call Reset before Act.");
        if (observations.Length != _batch * Inputs || excitations.Length != _batch * Outputs)
            throw new ShapeException($"Controller step expects {_batch}×{Inputs} observations and {_batch}×{Outputs} excitations, got {observations.Length} and {excitations.Length} values.");
        _policy.StepForward(observations, _h, _hNext, _gates, _hrn, _gx, excitations, _batch);
        (_h, _hNext) = (_hNext, _h);
    }
}
