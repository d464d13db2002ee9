using System.Text.Json;
using RnnOnnx.Kernels;
using RnnOnnx.Randomness;

namespace RnnOnnx.Layers;

/// <summary>
/// What SimpleRnn, Lstm and Gru share: the weights W [input, G·units], R [units, G·units], b [G·units]
/// (G = gates), the time loop, padding masks, initial/final state and backpropagation through time.
/// <para>
/// Forward: one GEMM projects all steps at once, XW = X·W + b ([T·B, G·H]); then per step only the
/// recurrent product h_{t−1}·R runs, inside the cell's fused step. The batch is split across threads for
/// the whole loop (rows never interact), so there is no synchronisation per step. Rows past their true
/// length carry their state unchanged and output zeros (the ONNX <c>sequence_lens</c> semantics).
/// </para>
/// <para>
/// Backward runs the steps in reverse producing ∂L/∂(gate pre-activations) for every step; the weight
/// gradients are then three big GEMMs over all steps: ∂W = Xᵀ·∂Gx, ∂R = H_prevᵀ·∂Gh, ∂X = ∂Gx·Wᵀ.
/// </para>
/// </summary>
public abstract class RecurrentLayer : Layer
{
    private Parameter? _kernel, _recurrentKernel, _bias;
    private protected Signal? Input;
    private readonly Signal _output = new(), _inputGradient = new();
    private Signal? _outputGradient;

    /// <summary>XW + b, overwritten in place by the cell with its activated gates: [T, B, G·H].</summary>
    private protected float[] Gates = [];
    /// <summary>∂L/∂(input-side pre-activations), [T, B, G·H].</summary>
    private protected float[] GradGatesX = [];
    /// <summary>∂L/∂(recurrent-side pre-activations), [T, B, G·H]; the same array as <see cref="GradGatesX"/> except for GRU.</summary>
    private protected float[] GradGatesH = [];
    /// <summary>Per state: the value entering step t and the value after it, [T, B, H] each.</summary>
    private protected float[][] StatePrev = [], StateOut = [];
    /// <summary>Per state: ∂L/∂state carried backwards through the steps, [B, H].</summary>
    private protected float[][] StateGrad = [];
    private float[][] _final = [];

    private protected readonly PackedMatrix PackedR = new(), PackedRt = new();
    private protected int T, B, H, GH;
    private protected PassContext Context = new();
    private readonly Action<int> _forwardPart, _backwardPart;
    private int _parts;

    private protected RecurrentLayer(int units, bool returnSequences)
    {
        Require(units >= 1, $"{GetType().Name} units must be at least 1, got {units}.");
        Units = units;
        ReturnSequences = returnSequences;
        _forwardPart = ForwardPart;
        _backwardPart = BackwardPart;
    }

    /// <summary>Hidden state width H.</summary>
    public int Units { get; }

    /// <summary>True: output every step ([time, units]); false: only the last real step ([units]).</summary>
    public bool ReturnSequences { get; }

    /// <summary>Runs the sequence from its last real step to the first (the reverse half of a Bidirectional).</summary>
    internal bool GoBackwards { get; set; }

    /// <summary>Gates per unit: 1 (SimpleRnn), 3 (GRU), 4 (LSTM).</summary>
    internal abstract int GateCount { get; }

    /// <summary>Recurrent states: 1 (h), or 2 for LSTM (h, c).</summary>
    public virtual int StateCount => 1;

    /// <summary>W, [inputWidth, G·units], gate blocks side by side.</summary>
    public Parameter Kernel => _kernel ?? throw NotBuilt();

    /// <summary>R, [units, G·units].</summary>
    public Parameter RecurrentKernel => _recurrentKernel ?? throw NotBuilt();

    /// <summary>b, [G·units] (for GRU the input-side bias).</summary>
    public Parameter Bias => _bias ?? throw NotBuilt();

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _kernel is null ? [] : [_kernel, _recurrentKernel!, _bias!, .. ExtraParameters];

    private protected virtual IEnumerable<Parameter> ExtraParameters => [];

    private protected ModelConfigurationException NotBuilt() => new($"Layer '{Name}' is not built yet.");

    /// <summary>A fresh, unbuilt layer with the same options, for the reverse half of a Bidirectional.</summary>
    internal abstract RecurrentLayer CloneUnbuilt();

    private protected override LayerShape OnBuild(LayerShape input, Rng rng)
    {
        Require(input.IsSequence, $"{TypeName} '{Name}' needs a sequence input [time, features], but receives {input}: the layer before it returns one vector per sample (set returnSequences: true on it).");
        int g = GateCount;
        Require((long)g * Units <= Array.MaxLength, $"{TypeName} '{Name}' with {Units} units has more gate columns than one array can hold.");
        _kernel = new Parameter("kernel", input.Width, g * Units);
        _recurrentKernel = new Parameter("recurrent_kernel", Units, g * Units);
        _bias = new Parameter("bias", g * Units);
        Initializers.GlorotUniform(_kernel.Value, input.Width, g * Units, rng);
        Initializers.Orthogonal(_recurrentKernel.Value, Units, g * Units, rng);
        InitializeBias(_bias.Value);
        OnBuildCell(rng);
        StateGrad = new float[StateCount][];
        StatePrev = new float[StateCount][];
        StateOut = new float[StateCount][];
        _final = new float[StateCount][];
        for (int s = 0; s < StateCount; s++) StateGrad[s] = StatePrev[s] = StateOut[s] = _final[s] = [];
        return new LayerShape(ReturnSequences, Units);
    }

    private protected virtual void InitializeBias(Span<float> bias) { }

    private protected virtual void OnBuildCell(Rng rng) { }

    /// <summary>The state after the last real step of each row in the last forward pass, [batch, units] (an output, like the returned signal).</summary>
    internal ReadOnlySpan<float> FinalState(int state) => _final[state].AsSpan(0, B * H);

    private void CheckStateArrays(ReadOnlySpan<float[]> states, int batch, string what)
    {
        if (states.Length != StateCount)
            throw new ShapeException($"'{Name}' has {StateCount} state(s) but was given {states.Length} arrays of {what}.");
        for (int s = 0; s < states.Length; s++)
            if (states[s] is null || states[s].Length < batch * Units)
                throw new ShapeException($"State {s} of '{Name}' needs [{batch}, {Units}] = {batch * Units} values of {what}, got {states[s]?.Length ?? 0}.");
    }

    private protected static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
    }

    internal override Signal Forward(Signal input, PassContext context) => Forward(input, context, []);

    /// <summary>
    /// Runs the sequence from <paramref name="initialStates"/>: one array per state (h, then c for LSTM) holding
    /// [batch, units] row-major in its first batch·units values, or empty for zeros. Read during this call only.
    /// </summary>
    internal unsafe Signal Forward(Signal input, PassContext context, ReadOnlySpan<float[]> initialStates)
    {
        if (!initialStates.IsEmpty) CheckStateArrays(initialStates, input.Batch, "initial states");
        Input = input;
        Context = context;
        (T, B, H) = (input.Steps, input.Batch, Units);
        GH = GateCount * H;
        int stepRows = B * H;
        Grow(ref Gates, T * B * GH);
        for (int s = 0; s < StateCount; s++)
        {
            Grow(ref StatePrev[s], T * stepRows);
            Grow(ref StateOut[s], T * stepRows);
            Grow(ref _final[s], stepRows);
        }
        AllocateCellBuffers();
        // The state entering the first processed step is written here once, so the time loop reads every
        // step's previous state from StatePrev alike.
        int first = GoBackwards ? T - 1 : 0;
        for (int s = 0; s < StateCount; s++)
        {
            var entering = StatePrev[s].AsSpan(first * stepRows, stepRows);
            if (initialStates.IsEmpty) entering.Clear();
            else initialStates[s].AsSpan(0, stepRows).CopyTo(entering);
        }

        // XW = X·W + b for all steps in one GEMM (Gates holds it until the cell activates it in place).
        fixed (float* x = input.Data)
        fixed (float* w = Kernel.Value)
        fixed (float* bias = Bias.Value)
        fixed (float* g = Gates)
            Gemm.Multiply(x, input.Width, false, w, GH, false, g, GH, T * B, GH, input.Width, accumulate: false, rowInit: bias);
        PackedR.Pack(RecurrentKernel.Value, GH, false, H, GH);

        _parts = TimeLoopParts();
        WorkSplitter.Run(_parts, _forwardPart);

        int last = GoBackwards ? 0 : T - 1;
        for (int s = 0; s < StateCount; s++) StateOut[s].AsSpan(last * stepRows, stepRows).CopyTo(_final[s]);
        return WriteOutput();
    }

    /// <summary>
    /// Row blocks of the time loop. When R fits a core's L2 cache the batch is cut into twice as many blocks (whole
    /// micro-tiles) as threads: a core that is ahead, or whose neighbour the OS has descheduled, takes the next block
    /// instead of waiting at the end of the loop. Larger R stays one block per core, as every block streams all of R
    /// at every step.
    /// </summary>
    private int TimeLoopParts()
    {
        int threads = Math.Max(1, Math.Min(WorkSplitter.Threads, B));
        if (threads == 1 || (long)H * GH * sizeof(float) > SharedBlockBytes) return threads;
        return Math.Max(threads, Math.Min(Math.Min(2 * threads, WorkSplitter.MaxParts), B / Gemm.MR));
    }

    /// <summary>Batch rows [b0, b1) of a time-loop block: whole micro-tiles where the batch allows.</summary>
    private (int B0, int B1) PartRows(int part) => WorkSplitter.Range(B, _parts, part, B >= _parts * Gemm.MR ? Gemm.MR : 1);

    /// <summary>Largest R (bytes) for which the time loop is cut finer than one block per core.</summary>
    private const int SharedBlockBytes = 256 * 1024;

    private void ForwardPart(int part)
    {
        var (b0, b1) = PartRows(part);
        if (b0 == b1) return;
        int rowOffset = b0 * H, rowLength = (b1 - b0) * H;
        for (int step = 0; step < T; step++)
        {
            int t = GoBackwards ? T - 1 - step : step;
            if (step > 0)
                for (int s = 0; s < StateCount; s++)
                    StateOut[s].AsSpan(TPrev(t) * B * H + rowOffset, rowLength).CopyTo(StatePrev[s].AsSpan(t * B * H + rowOffset, rowLength));
            StepForward(t, b0, b1);
            // Padding rows keep their state: h_t = h_{t−1}.
            if (Context.Lengths is not null)
                for (int b = b0; b < b1; b++)
                    if (!Context.IsValid(t, b))
                        for (int s = 0; s < StateCount; s++)
                            StatePrev[s].AsSpan((t * B + b) * H, H).CopyTo(StateOut[s].AsSpan((t * B + b) * H, H));
        }
    }

    private int TPrev(int t) => GoBackwards ? t + 1 : t - 1;

    private Signal WriteOutput()
    {
        int stepRows = B * H;
        if (!ReturnSequences)
        {
            var last = _output.Resize(0, B, H);
            _final[0].AsSpan(0, stepRows).CopyTo(last.Span);
            return last;
        }
        var y = _output.Resize(T, B, H);
        StateOut[0].AsSpan(0, T * stepRows).CopyTo(y.Span);
        if (Context.Lengths is not null)
            for (int t = 0; t < T; t++)
                for (int b = 0; b < B; b++)
                    if (!Context.IsValid(t, b)) y.Row(t, b).Clear();
        return y;
    }

    /// <summary>Buffers the cell needs beyond the shared ones, sized for T, B, H.</summary>
    private protected virtual void AllocateCellBuffers() { }

    /// <summary>
    /// One time step for batch rows [b0, b1): reads XW (in <see cref="Gates"/>) and StatePrev at t, writes the
    /// activated gates back into Gates and the new states into StateOut at t.
    /// </summary>
    private protected abstract void StepForward(int t, int b0, int b1);

    /// <summary>
    /// One step backwards for rows [b0, b1) of real data: reads ∂L/∂state_t from StateGrad, writes ∂Gx and ∂Gh at t,
    /// and replaces StateGrad by the direct part of ∂L/∂state_{t−1} (the R product is added by the caller).
    /// </summary>
    private protected abstract void StepBackward(int t, int b0, int b1);

    internal override Signal? Backward(Signal outputGradient, PassContext context) => Backward(outputGradient, context, []);

    /// <summary>
    /// Backward pass that also writes ∂L/∂(initial state) into <paramref name="initialStateGradients"/>: one array per
    /// state, [batch, units] in its first batch·units values (empty when no one needs it).
    /// </summary>
    internal unsafe Signal? Backward(Signal outputGradient, PassContext context, ReadOnlySpan<float[]> initialStateGradients)
    {
        if (!initialStateGradients.IsEmpty) CheckStateArrays(initialStateGradients, B, "initial-state gradients");
        var x = Input!;
        int stepRows = B * H, total = T * B * GH;
        Grow(ref GradGatesX, total);
        if (SharesGateGradients) GradGatesH = GradGatesX;
        else Grow(ref GradGatesH, total);
        for (int s = 0; s < StateCount; s++) { Grow(ref StateGrad[s], stepRows); StateGrad[s].AsSpan(0, stepRows).Clear(); }
        if (!ReturnSequences) outputGradient.Span.CopyTo(StateGrad[0]);
        _outputGradient = outputGradient;
        PackedRt.Pack(RecurrentKernel.Value, GH, true, GH, H);

        WorkSplitter.Run(_parts, _backwardPart);
        // After the first processed step, what the loop carries is ∂L/∂(the state entering it).
        for (int s = 0; s < initialStateGradients.Length; s++) StateGrad[s].AsSpan(0, stepRows).CopyTo(initialStateGradients[s]);

        var dx = InputGradientNeeded ? _inputGradient.ResizeLike(x) : null;
        int rows = T * B, width = x.Width;
        fixed (float* xp = x.Data)
        fixed (float* gx = GradGatesX)
        fixed (float* gh = GradGatesH)
        fixed (float* hp = StatePrev[0])
        fixed (float* w = Kernel.Value)
        fixed (float* dw = Kernel.Gradient)
        fixed (float* dr = RecurrentKernel.Gradient)
        fixed (float* dxp = dx is null ? null : dx.Data)
        {
            Gemm.Multiply(xp, width, true, gx, GH, false, dw, GH, width, GH, rows, accumulate: true); // ∂W += Xᵀ·∂Gx
            Gemm.Multiply(hp, H, true, gh, GH, false, dr, GH, H, GH, rows, accumulate: true);        // ∂R += H_prevᵀ·∂Gh
            if (dxp is not null) Gemm.Multiply(gx, GH, false, w, GH, true, dxp, width, rows, width, GH, accumulate: false); // ∂X = ∂Gx·Wᵀ
        }
        RowOps.SumRowsInto(GradGatesX, T * B, Bias.Gradient, GH);
        AccumulateExtraGradients();
        return dx;
    }

    /// <summary>False for GRU, whose recurrent-side candidate gradient differs from the input side's.</summary>
    private protected virtual bool SharesGateGradients => true;

    private protected virtual void AccumulateExtraGradients() { }

    private unsafe void BackwardPart(int part)
    {
        var (b0, b1) = PartRows(part);
        if (b0 == b1) return;
        var dy = _outputGradient!;
        for (int step = T - 1; step >= 0; step--)
        {
            int t = GoBackwards ? T - 1 - step : step;
            if (ReturnSequences)
                for (int b = b0; b < b1; b++)
                    if (Context.IsValid(t, b))
                        System.Numerics.Tensors.TensorPrimitives.Add(StateGrad[0].AsSpan(b * H, H), dy.Row(t, b), StateGrad[0].AsSpan(b * H, H));
            StepBackward(t, b0, b1);
            // ∂h_{t−1} += ∂Gh_t·Rᵀ (padding rows have ∂Gh = 0 and keep their carried gradient).
            fixed (float* gh = GradGatesH)
            fixed (float* dh = StateGrad[0])
                Gemm.Multiply(gh + (long)(t * B + b0) * GH, GH, false, PackedRt, dh + b0 * H, H, b1 - b0, accumulate: true);
        }
    }

    /// <summary>Clears gate gradients of padding rows; returns true if row b at step t is real data.</summary>
    private protected bool PrepareRow(int t, int b)
    {
        if (Context.IsValid(t, b)) return true;
        GradGatesX.AsSpan((t * B + b) * GH, GH).Clear();
        if (!SharesGateGradients) GradGatesH.AsSpan((t * B + b) * GH, GH).Clear();
        return false;
    }

    internal override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("units", Units);
        writer.WriteBoolean("returnSequences", ReturnSequences);
        WriteCellConfig(writer);
    }

    private protected virtual void WriteCellConfig(Utf8JsonWriter writer) { }

    /// <summary>Checks an LSTM/GRU activation option (Keras's <c>activation</c> or <c>recurrent_activation</c>).</summary>
    private protected Activation GateActivation(Activation value, string option)
    {
        Require(GateActivations.IsSupported(value), $"{GetType().Name} {option} must be Tanh, Sigmoid, Relu, HardSigmoid or Linear, got {value}.");
        return value;
    }

    /// <summary>
    /// Writes the LSTM/GRU activations only where they differ from Keras's defaults (tanh, sigmoid): files and
    /// checkpoint fingerprints of default models stay as they were, and files from before the option read as defaults.
    /// </summary>
    private protected static void WriteGateActivations(Utf8JsonWriter writer, Activation activation, Activation recurrentActivation)
    {
        if (activation != Activation.Tanh) writer.WriteString("activation", activation.ToString());
        if (recurrentActivation != Activation.Sigmoid) writer.WriteString("recurrentActivation", recurrentActivation.ToString());
    }
}
