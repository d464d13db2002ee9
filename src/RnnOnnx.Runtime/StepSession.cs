using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnOnnx.Onnx;

namespace RnnOnnx.Runtime;

/// <summary>
/// Runs a step model (see <see cref="StepGraph"/>) one or more steps at a time for a batch of rows, carrying each
/// row's recurrent state from call to call. The sequence input, the output and every state live in buffers on the
/// pinned object heap that ONNX Runtime reads and writes in place through two I/O bindings (states A → B, then
/// B → A), so a call with the same rows and steps as the one before allocates no managed memory.
/// </summary>
/// <remarks>
/// One step session is one caller's state: it is not thread-safe. The <see cref="InferenceSession"/> it runs on may be
/// shared by any number of step sessions and threads, and is not disposed with it.
/// <code>
/// using var session = new InferenceSession(File.ReadAllBytes("chars.step.onnx"));
/// using var steps = new StepSession(session, rows: 2);
/// steps.Run(promptIds, steps: 5);              // [2, 5] ids from zero states
/// ReadOnlySpan&lt;float&gt; next = steps.LastStep(0); // row 0's last-step output
/// steps.Run(nextIds, steps: 1);                // continues from the carried states
/// </code>
/// </remarks>
public sealed class StepSession : IDisposable
{
    private const string DefaultInput = "input", DefaultOutput = "output";

    private readonly InferenceSession _session;
    private readonly string[] _stateInputs, _stateOutputs;
    private readonly int[] _widths, _offsets;
    private readonly float[][][] _states; // [parity][pair] → rows × width
    private readonly OrtIoBinding[] _bindings;
    private readonly RunOptions _runOptions = new();
    private readonly List<OrtValue> _values = [];
    private float[] _floatInput = [];
    private long[] _idInput = [];
    private float[] _output = [];
    private int _current, _capacityRows, _boundRows = -1, _boundSteps = -1;
    private bool _disposed;

    /// <summary>A step session over <paramref name="session"/>, with the contract read from the session's own declaration.</summary>
    /// <param name="session">The step model's session (shared, not owned).</param>
    /// <param name="rows">Rows (independent sequences) to start with, each from a zero state.</param>
    /// <exception cref="ModelConfigurationException">The model is not a step model this session can run (the message says why).</exception>
    public StepSession(InferenceSession session, int rows = 1) : this(session, ContractOf(session), rows) { }

    /// <summary>A step session over <paramref name="session"/> whose contract the caller has already read.</summary>
    /// <param name="session">The step model's session (shared, not owned).</param>
    /// <param name="graph">The model's contract (<see cref="StepGraph.Read"/> or <see cref="ContractOf"/>).</param>
    /// <param name="rows">Rows (independent sequences) to start with, each from a zero state.</param>
    /// <exception cref="ModelConfigurationException">The model is not a step model this session can run (the message says why).</exception>
    public StepSession(InferenceSession session, StepGraph graph, int rows = 1)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        _session = session;
        Graph = graph;
        ModelConfigurationException Fail(string problem) => new($"{problem} The model declares {graph}.");

        if (graph.States.Count == 0)
            throw Fail("The model has no recurrent state inputs and outputs (h_in_k → h_out_k): export it as a step model (OnnxGraphKind.Step).");
        var input = graph.DataInput(DefaultInput) ?? (graph.DataInputs.Count == 1 ? graph.DataInputs[0] : throw Fail("Cannot tell which input takes the sequence."));
        if (graph.DataInputs.FirstOrDefault(i => i.Name != input.Name) is { } extra)
            throw Fail($"Input '{extra.Name}' is neither the sequence nor a recurrent state; a step session feeds only those.");
        InputName = input.Name;
        (InputElement, Features) = (input.ElementType, input.Dimensions.Count) switch
        {
            ("float", 3) => (TensorElement.Float32, Fixed(input.Dimensions[2]) ?? throw Fail($"Input '{input.Name}' has a symbolic feature dimension.")),
            ("int64", 2) => (TensorElement.Int64, 1),
            _ => throw Fail($"Input '{input.Name}' must be float [batch, time, features] or int64 token ids [batch, time]."),
        };
        var output = graph.DataOutput(DefaultOutput) ?? (graph.DataOutputs.Count == 1 ? graph.DataOutputs[0] : throw Fail("Cannot tell which output to read."));
        if (output.ElementType != "float" || output.Dimensions.Count is not (2 or 3))
            throw Fail($"Output '{output.Name}' must be float [batch, width] or [batch, time, width].");
        OutputName = output.Name;
        OutputIsSequence = output.Dimensions.Count == 3;
        OutputWidth = Fixed(output.Dimensions[^1]) ?? throw Fail($"Output '{output.Name}' has a symbolic width.");

        int n = graph.States.Count;
        (_stateInputs, _stateOutputs, _widths, _offsets) = (new string[n], new string[n], new int[n], new int[n]);
        for (int s = 0; s < n; s++)
        {
            var pair = graph.States[s];
            if (pair.Dimensions.Count != 2 || pair.Width is not { } width)
                throw Fail($"State input '{pair.InputName}' must be [batch, width] with a fixed width.");
            if (!session.InputMetadata.ContainsKey(pair.InputName) || !session.OutputMetadata.ContainsKey(pair.OutputName))
                throw Fail($"The session's model has no state pair '{pair.InputName}' → '{pair.OutputName}': the contract belongs to another model.");
            (_stateInputs[s], _stateOutputs[s], _widths[s], _offsets[s]) = (pair.InputName, pair.OutputName, width, StateWidth);
            StateWidth += width;
        }
        _states = [new float[n][], new float[n][]];
        for (int p = 0; p < 2; p++)
            for (int s = 0; s < n; s++) _states[p][s] = [];
        _bindings = [session.CreateIoBinding(), session.CreateIoBinding()];
        Resize(rows);
    }

    /// <summary>The model's contract.</summary>
    public StepGraph Graph { get; }

    /// <summary>The sequence input's name.</summary>
    public string InputName { get; }

    /// <summary><see cref="TensorElement.Float32"/> for [rows, steps, features] values, <see cref="TensorElement.Int64"/> for [rows, steps] token ids.</summary>
    public TensorElement InputElement { get; }

    /// <summary>Values per row and step: the feature width, 1 for token ids.</summary>
    public int Features { get; }

    /// <summary>The output read after each call.</summary>
    public string OutputName { get; }

    /// <summary>True when the output is [rows, steps, width]; false when it is [rows, width] (the last step only).</summary>
    public bool OutputIsSequence { get; }

    /// <summary>Output values per row and step.</summary>
    public int OutputWidth { get; }

    /// <summary>Values of one row's state: every state pair's width, in the contract's order.</summary>
    public int StateWidth { get; }

    /// <summary>Rows (independent sequences) of the batch.</summary>
    public int Rows { get; private set; }

    /// <summary>Steps of the last <c>Run</c> (0 before the first).</summary>
    public int Steps { get; private set; }

    /// <summary>The last call's output: [rows, steps, width] or [rows, width]. Valid until the next call.</summary>
    public ReadOnlySpan<float> Output => _output.AsSpan(0, Rows * (OutputIsSequence ? Steps : Steps > 0 ? 1 : 0) * OutputWidth);

    /// <summary>Row <paramref name="row"/>'s output at the last step of the last call.</summary>
    public ReadOnlySpan<float> LastStep(int row)
    {
        CheckRow(row);
        if (Steps == 0) throw new InvalidOperationException("Nothing has run yet.");
        int stepsPerRow = OutputIsSequence ? Steps : 1;
        return _output.AsSpan(((row * stepsPerRow) + stepsPerRow - 1) * OutputWidth, OutputWidth);
    }

    /// <summary>Reads the contract of a session's model from its declared inputs, outputs and metadata.</summary>
    public static StepGraph ContractOf(InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        static OnnxValueInfo Describe(string name, NodeMetadata node)
        {
            var dims = new string[node.Dimensions.Length];
            for (int i = 0; i < dims.Length; i++)
                dims[i] = node.Dimensions[i] > 0 ? node.Dimensions[i].ToString(CultureInfo.InvariantCulture)
                    : node.SymbolicDimensions is { } symbols && i < symbols.Length && symbols[i].Length > 0 ? symbols[i] : "?";
            string type = node.ElementDataType switch
            {
                TensorElementType.Float => "float",
                TensorElementType.Int64 => "int64",
                TensorElementType.Int32 => "int32",
                TensorElementType.Double => "double",
                var other => other.ToString().ToLowerInvariant(),
            };
            return new OnnxValueInfo(name, type, dims);
        }
        var inputs = session.InputNames.Select(n => Describe(n, session.InputMetadata[n])).ToList();
        var outputs = session.OutputNames.Select(n => Describe(n, session.OutputMetadata[n])).ToList();
        return StepGraph.Describe(inputs, outputs, session.ModelMetadata.CustomMetadataMap);
    }

    /// <summary>Sets the number of rows: rows kept keep their state, new rows start from zero.</summary>
    public void Resize(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureRows(rows, preserve: Math.Min(rows, Rows));
        for (int s = 0; s < _widths.Length; s++) _states[_current][s].AsSpan(Rows * _widths[s], Math.Max(0, rows - Rows) * _widths[s]).Clear();
        Rows = rows;
    }

    /// <summary>Zeroes every row's state.</summary>
    public void Reset()
    {
        for (int s = 0; s < _widths.Length; s++) _states[_current][s].AsSpan(0, Rows * _widths[s]).Clear();
    }

    /// <summary>Zeroes row <paramref name="row"/>'s state.</summary>
    public void Reset(int row)
    {
        CheckRow(row);
        for (int s = 0; s < _widths.Length; s++) State(row, s).Clear();
    }

    /// <summary>Row <paramref name="row"/>'s state of pair <paramref name="pair"/> (index into <see cref="StepGraph.States"/>), to read or write in place. Valid until the next call.</summary>
    public Span<float> State(int row, int pair)
    {
        CheckRow(row);
        ArgumentOutOfRangeException.ThrowIfNegative(pair);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pair, _widths.Length);
        return _states[_current][pair].AsSpan(row * _widths[pair], _widths[pair]);
    }

    /// <summary>Copies row <paramref name="row"/>'s whole state (<see cref="StateWidth"/> values, pairs in the contract's order) to <paramref name="destination"/>.</summary>
    /// <exception cref="ShapeException"><paramref name="destination"/> is not <see cref="StateWidth"/> long.</exception>
    public void GetState(int row, Span<float> destination)
    {
        CheckStateLength(destination.Length);
        for (int s = 0; s < _widths.Length; s++) State(row, s).CopyTo(destination.Slice(_offsets[s], _widths[s]));
    }

    /// <summary>Sets row <paramref name="row"/>'s whole state from <paramref name="source"/> (<see cref="StateWidth"/> values, pairs in the contract's order).</summary>
    /// <exception cref="ShapeException"><paramref name="source"/> is not <see cref="StateWidth"/> long.</exception>
    public void SetState(int row, ReadOnlySpan<float> source)
    {
        CheckStateLength(source.Length);
        for (int s = 0; s < _widths.Length; s++) source.Slice(_offsets[s], _widths[s]).CopyTo(State(row, s));
    }

    /// <summary>
    /// Rebuilds the batch from existing rows: new row j takes the state of current row <paramref name="sourceRows"/>[j]
    /// (rows may repeat or drop out, as hypotheses do in a beam search). <see cref="Rows"/> becomes its length.
    /// </summary>
    public void Gather(ReadOnlySpan<int> sourceRows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (int row in sourceRows) CheckRow(row);
        int other = 1 - _current;
        EnsureRows(sourceRows.Length, preserve: Rows);
        for (int s = 0; s < _widths.Length; s++)
        {
            int w = _widths[s];
            var from = _states[_current][s];
            var to = _states[other][s];
            for (int j = 0; j < sourceRows.Length; j++) from.AsSpan(sourceRows[j] * w, w).CopyTo(to.AsSpan(j * w, w));
        }
        _current = other;
        Rows = sourceRows.Length;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps of float input [rows, steps, features] from the carried states, which then
    /// hold the state after the last step. Returns the output (see <see cref="Output"/>).
    /// </summary>
    /// <exception cref="ShapeException">The model takes token ids, or <paramref name="input"/> is not rows × steps × features long.</exception>
    public ReadOnlySpan<float> Run(ReadOnlySpan<float> input, int steps)
    {
        if (InputElement != TensorElement.Float32)
            throw new ShapeException($"Input '{InputName}' takes int64 token ids [batch, time]; it was given float values.");
        Prepare(input.Length, steps);
        input.CopyTo(_floatInput);
        return Execute();
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps of token ids [rows, steps] from the carried states, which then hold the
    /// state after the last step. Returns the output (see <see cref="Output"/>).
    /// </summary>
    /// <exception cref="ShapeException">The model takes float values, or <paramref name="ids"/> is not rows × steps long.</exception>
    public ReadOnlySpan<float> Run(ReadOnlySpan<long> ids, int steps)
    {
        if (InputElement != TensorElement.Int64)
            throw new ShapeException($"Input '{InputName}' takes float values [batch, time, {Features}]; it was given token ids.");
        Prepare(ids.Length, steps);
        ids.CopyTo(_idInput);
        return Execute();
    }

    private void Prepare(int length, int steps)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (steps < 1 || Rows < 1 || (long)Rows * steps * Features != length)
        {
            string shape = InputElement == TensorElement.Int64 ? $"[{Rows}, {steps}]" : $"[{Rows}, {steps}, {Features}]";
            throw new ShapeException(steps < 1 || Rows < 1
                ? $"Input '{InputName}' cannot be {shape}: a call runs at least one step of at least one row."
                : $"Input '{InputName}' of shape {shape} takes {(long)Rows * steps * Features} values; {length} were given.");
        }
        Steps = steps;
        if (steps == _boundSteps && Rows == _boundRows) return;
        long outputLength = (long)Rows * (OutputIsSequence ? steps : 1) * OutputWidth;
        if (length > Array.MaxLength || outputLength > Array.MaxLength)
            throw new ShapeException($"Input '{InputName}' with {Rows} rows of {steps} steps is too large for one call.");
        if (InputElement == TensorElement.Float32) Grow(ref _floatInput, length);
        else Grow(ref _idInput, length);
        Grow(ref _output, (int)outputLength);
        Bind(steps);
    }

    private ReadOnlySpan<float> Execute()
    {
        _session.RunWithBinding(_runOptions, _bindings[_current]);
        _current = 1 - _current;
        return Output;
    }

    /// <summary>Makes room for <paramref name="rows"/> rows in both state buffers, keeping the current buffer's first <paramref name="preserve"/> rows.</summary>
    private void EnsureRows(int rows, int preserve)
    {
        if (rows <= _capacityRows) return;
        int capacity = Math.Max(rows, 2 * _capacityRows);
        for (int p = 0; p < 2; p++)
            for (int s = 0; s < _widths.Length; s++)
            {
                var grown = GC.AllocateArray<float>(capacity * _widths[s], pinned: true);
                if (p == _current) _states[p][s].AsSpan(0, preserve * _widths[s]).CopyTo(grown);
                _states[p][s] = grown;
            }
        _capacityRows = capacity;
        _boundRows = -1; // the bound values point at the old buffers
    }

    private void Grow<T>(ref T[] buffer, int length) where T : unmanaged
    {
        if (length <= buffer.Length) return;
        buffer = GC.AllocateArray<T>(Math.Max(length, 2 * buffer.Length), pinned: true);
        _boundRows = -1;
    }

    /// <summary>(Re)creates the OrtValues over the buffers for the current rows and <paramref name="steps"/>, and binds both parities.</summary>
    private void Bind(int steps)
    {
        foreach (var value in _values) value.Dispose();
        _values.Clear();
        int rows = Rows;
        OrtValue input = InputElement == TensorElement.Float32
            ? Value(_floatInput, rows * steps * Features, [rows, steps, Features])
            : Value(_idInput, rows * steps, [rows, steps]);
        OrtValue output = OutputIsSequence
            ? Value(_output, rows * steps * OutputWidth, [rows, steps, OutputWidth])
            : Value(_output, rows * OutputWidth, [rows, OutputWidth]);
        var stateValues = new OrtValue[2][];
        for (int p = 0; p < 2; p++)
        {
            stateValues[p] = new OrtValue[_widths.Length];
            for (int s = 0; s < _widths.Length; s++) stateValues[p][s] = Value(_states[p][s], rows * _widths[s], [rows, _widths[s]]);
        }
        for (int p = 0; p < 2; p++)
        {
            var binding = _bindings[p];
            binding.ClearBoundInputs();
            binding.ClearBoundOutputs();
            binding.BindInput(InputName, input);
            binding.BindOutput(OutputName, output);
            for (int s = 0; s < _widths.Length; s++)
            {
                binding.BindInput(_stateInputs[s], stateValues[p][s]);
                binding.BindOutput(_stateOutputs[s], stateValues[1 - p][s]);
            }
        }
        (_boundRows, _boundSteps) = (rows, steps);
    }

    private OrtValue Value<T>(T[] buffer, int length, long[] shape) where T : unmanaged
    {
        var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, length), shape);
        _values.Add(value);
        return value;
    }

    private void CheckRow(int row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"The step session has {Rows} row(s).");
    }

    private void CheckStateLength(int length)
    {
        if (length != StateWidth)
            throw new ShapeException($"A row's state is {StateWidth} values ({string.Join(" + ", Graph.States.Select(s => $"{s.InputName} [{s.Width}]"))}); {length} were given.");
    }

    private static int? Fixed(string dimension) =>
        int.TryParse(dimension, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : null;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var binding in _bindings) binding.Dispose();
        foreach (var value in _values) value.Dispose();
        _values.Clear();
        _runOptions.Dispose();
    }
}
