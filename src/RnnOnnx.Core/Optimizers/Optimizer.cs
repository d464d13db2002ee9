using RnnOnnx.Kernels;
using RnnOnnx.Layers;

namespace RnnOnnx.Optimizers;

/// <summary>
/// Updates weights from their gradients. Each step: the learning rate comes from the schedule (if any), gradients
/// are clipped by their global norm (if set), then the rule of the subclass runs per parameter.
/// </summary>
public abstract class Optimizer
{
    private float[][][] _slots = [];
    private long _weights;
    private IReadOnlyList<Parameter> _stepParameters = [];
    private float _stepRate;
    private int _stepParts;
    private Action<int>? _updatePart;

    /// <summary>Below this many weights the update runs on one thread: a split would cost more than it saves.</summary>
    private const int ParallelWeights = 1 << 15;

    private protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || float.IsInfinity(learningRate))
            throw new ModelConfigurationException($"{GetType().Name} learning rate must be a positive number, got {learningRate}.");
        LearningRate = learningRate;
    }

    /// <summary>Base learning rate (the schedule, if any, scales it).</summary>
    public float LearningRate { get; }

    /// <summary>If set, gradients are rescaled so that their global L2 norm is at most this (Pascanu et al., 2013).</summary>
    public float? GlobalClipNorm { get; init; }

    /// <summary>Optional learning-rate schedule over optimizer steps.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Updates done so far (Adam's bias correction and schedules count these).</summary>
    public long Iterations { get; internal set; }

    /// <summary>The learning rate the next step uses.</summary>
    public float CurrentLearningRate => Schedule?.RateAt(LearningRate, Iterations) ?? LearningRate;

    internal abstract string TypeName { get; }

    /// <summary>State arrays per parameter (Adam: m and v).</summary>
    private protected abstract int SlotCount { get; }

    /// <summary>
    /// Updates elements [<paramref name="start"/>, <paramref name="end"/>) of one parameter given its state slots;
    /// <paramref name="step"/> is 1 on the first update. The rule is element-wise, so ranges can run on any thread;
    /// <paramref name="start"/> is a multiple of 16 and <paramref name="end"/> too, or the parameter's length.
    /// </summary>
    private protected abstract void Update(float[] weights, float[] gradient, float[][] slots, int start, int end, float learningRate, long step);

    /// <summary>One update; <paramref name="gradientNorm"/> is ‖g‖ when the caller has it already (else it is computed if clipping needs it).</summary>
    internal void Step(IReadOnlyList<Parameter> parameters, double? gradientNorm = null)
    {
        EnsureSlots(parameters);
        if (GlobalClipNorm is { } clip) ClipByGlobalNorm(parameters, clip, gradientNorm ?? GlobalNorm(parameters));
        _stepRate = CurrentLearningRate;
        Iterations++;
        _stepParameters = parameters;
        _stepParts = _weights >= ParallelWeights ? WorkSplitter.Threads : 1;
        try { WorkSplitter.Run(_stepParts, _updatePart ??= UpdatePart); }
        finally { _stepParameters = []; }
    }

    /// <summary>Its share of every parameter, in whole vectors.</summary>
    private void UpdatePart(int part)
    {
        for (int i = 0; i < _stepParameters.Count; i++)
        {
            var p = _stepParameters[i];
            var (start, end) = WorkSplitter.Range(p.Value.Length, _stepParts, part, Lanes.Width);
            if (start < end) Update(p.Value, p.Gradient, _slots[i], start, end, _stepRate, Iterations);
        }
    }

    /// <summary>
    /// ‖g‖ = √(Σ g²) over all parameters: vectorised per parameter, summed in double across parameters in a fixed
    /// order (deterministic; float32 partial sums are ample for clipping and for spotting NaN/Inf).
    /// </summary>
    internal static double GlobalNorm(IReadOnlyList<Parameter> parameters)
    {
        double sum = 0;
        for (int i = 0; i < parameters.Count; i++) sum += System.Numerics.Tensors.TensorPrimitives.SumOfSquares(parameters[i].Gradient);
        return Math.Sqrt(sum);
    }

    private static void ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, float clip, double norm)
    {
        if (norm <= clip) return;
        float scale = (float)(clip / norm);
        for (int i = 0; i < parameters.Count; i++) System.Numerics.Tensors.TensorPrimitives.Multiply(parameters[i].Gradient, scale, parameters[i].Gradient);
    }

    private void EnsureSlots(IReadOnlyList<Parameter> parameters)
    {
        if (_slots.Length == parameters.Count) return;
        _slots = new float[parameters.Count][][];
        _weights = parameters.Sum(p => (long)p.Value.Length);
        for (int i = 0; i < parameters.Count; i++)
        {
            _slots[i] = new float[SlotCount][];
            for (int s = 0; s < SlotCount; s++) _slots[i][s] = new float[parameters[i].Value.Length];
        }
    }

    /// <summary>All state arrays in a fixed order, for checkpoints.</summary>
    internal IEnumerable<float[]> StateArrays(IReadOnlyList<Parameter> parameters)
    {
        EnsureSlots(parameters);
        return _slots.SelectMany(s => s);
    }

    /// <summary>Hyper-parameters for checkpoints: a resumed run must use the same optimizer.</summary>
    internal virtual string Describe() =>
        $"{TypeName}(lr={LearningRate:R}, clip={GlobalClipNorm?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, schedule={Schedule?.Describe() ?? "none"})";
}
