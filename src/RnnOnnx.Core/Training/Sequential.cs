using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Training;

/// <summary>
/// A stack of layers trained end to end, in Keras's vocabulary:
/// <code>
/// var model = new Sequential(
///     new Lstm(50, returnSequences: true), new Dropout(0.2f),
///     new Lstm(50), new Dropout(0.2f),
///     new Dense(1));
/// model.Compile(new Adam(), new MeanSquaredError());
/// History history = model.Fit(x, y, new FitOptions { Epochs = 20, BatchSize = 32, ValidationSplit = 0.1 });
/// Tensor forecast = model.Predict(x);
/// </code>
/// </summary>
public sealed class Sequential : ITrainable
{
    private readonly List<Layer> _layers = [];
    private LayerShape? _inputShape;

    /// <summary>Creates a model from layers, first to last.</summary>
    public Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>The optimizer given to <see cref="Compile"/>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <see cref="Compile"/>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>Shape of one input sample, once built.</summary>
    public LayerShape InputShape => _inputShape ?? throw new ModelConfigurationException("The model is not built yet: call Build or Fit first.");

    /// <summary>Shape of one output sample, once built.</summary>
    public LayerShape OutputShape => _layers[^1].OutputShape;

    /// <summary>Whether the weights exist.</summary>
    public bool IsBuilt => _inputShape is not null;

    /// <summary>All trainable weights, layer by layer.</summary>
    public IReadOnlyList<Parameter> Parameters => _layers.SelectMany(l => l.Parameters).ToList();

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Length);

    /// <summary>The architecture as JSON (layers, their settings and shapes, no weights): equal strings mean the same model structure.</summary>
    public string DescribeArchitecture() => ModelSerializer.DescribeArchitecture(this);

    /// <summary>The recurrent layers in order (each half of a Bidirectional separately, forward first): the owners of state.</summary>
    public IReadOnlyList<RecurrentLayer> RecurrentLayers =>
        _layers.SelectMany<Layer, RecurrentLayer>(l => l switch
        {
            RecurrentLayer r => [r],
            Bidirectional bi => [bi.ForwardLayer, bi.BackwardLayer],
            _ => [],
        }).ToList();

    /// <summary>Appends a layer (before the model is built).</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsBuilt) throw new ModelConfigurationException($"Cannot add layer {layer.TypeName}: the model is already built.");
        if (layer.IsBuilt || _layers.Contains(layer)) throw new ModelConfigurationException($"Layer {layer.TypeName} '{layer.Name}' already belongs to a model.");
        _layers.Add(layer);
    }

    /// <summary>Creates and initialises the weights for samples of the given shape.</summary>
    /// <param name="input">One sample: a sequence of vectors, or one vector.</param>
    /// <param name="seed">Seeds the weight initialisation.</param>
    public void Build(LayerShape input, ulong seed = 0)
    {
        if (IsBuilt) throw new ModelConfigurationException("The model is already built.");
        if (_layers.Count == 0) throw new ModelConfigurationException("The model has no layers.");
        if (input.Width < 1) throw new ShapeException($"Input width must be at least 1, got {input.Width}.");
        // A Conv2D told its image size, behind only shape-keeping layers, makes flat samples of that size images.
        if (input.Image is null && _layers.FirstOrDefault(l => l is Conv2D) is Conv2D { DeclaredInput: { } declared } conv
            && _layers.TakeWhile(l => l != conv).All(l => l is Rescaling or Dropout) && !input.IsSequence && input.Width == declared.Length)
            input = LayerShape.ForImage(declared);
        var counts = new Dictionary<string, int>();
        var rng = new Rng(seed);
        var shape = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            if (layer is Embedding && i != 0)
                throw new ModelConfigurationException($"Embedding must be the first layer (it reads token ids), but it is layer {i + 1} of {_layers.Count}.");
            string type = layer.TypeName.ToLowerInvariant();
            counts[type] = counts.GetValueOrDefault(type) + 1;
            if (string.IsNullOrEmpty(layer.Name)) layer.Name = $"{type}_{counts[type]}";
            // Nothing before the first layer with weights needs ∂L/∂input (e.g. a Rescaling in front of a Conv2D).
            layer.InputGradientNeeded = _layers.Take(i).Any(l => l.Parameters.Count > 0);
            layer.Build(shape, rng);
            shape = layer.OutputShape;
        }
        _inputShape = input;
    }

    /// <summary>Sets how the model trains.</summary>
    public void Compile(Optimizer optimizer, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (loss is SoftmaxCrossEntropy && _layers.Count > 0 && _layers[^1] is Dense d && d.Activation is not (Activation.Linear or Activation.Softmax))
            throw new ModelConfigurationException($"SoftmaxCrossEntropy needs logits or a softmax output, but the last layer '{d.Name}' uses {d.Activation}.");
        Optimizer = optimizer;
        Loss = loss;
    }

    /// <summary>
    /// True when the compiled loss applies the softmax of a final <c>Dense(…, Softmax)</c> itself (fused cross-entropy):
    /// passes that feed the loss then ask that layer for logits. Follows from the loss and the layers alone.
    /// </summary>
    internal bool LossTakesLogits => Loss is SoftmaxCrossEntropy && _layers.Count > 0 && _layers[^1] is Dense { Activation: Activation.Softmax };

    /// <summary>Trains on inputs and targets (see <see cref="SequenceDataset"/> for shapes).</summary>
    public History Fit(Tensor inputs, Tensor targets, FitOptions? options = null) => Fit(new SequenceDataset(inputs, targets), options);

    /// <summary>
    /// Trains with mini-batch gradient descent and backpropagation through time.
    /// <paramref name="validation"/> overrides <see cref="FitOptions.ValidationSplit"/>.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A batch's loss was NaN or infinite (the weights stay as they were before it).</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled (after writing a checkpoint if configured).</exception>
    public History Fit(SequenceDataset data, FitOptions? options = null, SequenceDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FitOptions();
        if (Optimizer is null || Loss is null) throw new ModelConfigurationException("Call Compile(optimizer, loss) before Fit.");
        return new FitLoop(this, data, options, validation).Run();
    }

    /// <summary>Mean loss on a dataset, in inference mode (no dropout).</summary>
    public double Evaluate(SequenceDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Loss is null) throw new ModelConfigurationException("Call Compile(optimizer, loss) before Evaluate.");
        // Building here would score freshly initialised weights as if they were a trained model.
        if (!IsBuilt) throw new ModelConfigurationException("The model is not built: there are no weights to evaluate (fit or load it first).");
        ((ITrainable)this).Prepare(data, 0);
        return new FitLoop(this, data, new FitOptions { BatchSize = batchSize }, null).Evaluate(data);
    }

    /// <summary>Outputs for every sample, [samples, time, units] or [samples, units].</summary>
    /// <param name="inputs">Shaped like the training inputs.</param>
    /// <param name="lengths">True lengths of padded sequences, or null.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    public Tensor Predict(Tensor inputs, int[]? lengths = null, int batchSize = 256)
    {
        return PredictCore(inputs, lengths, batchSize, initialStates: null, finalStates: null);
    }

    /// <summary>
    /// Outputs for every sample (one batch), starting each recurrent layer from <paramref name="initialStates"/>
    /// (null: zeros) and returning the states after each row's last real step: one [samples, units] tensor per
    /// <see cref="RecurrentLayers"/> entry and state (h, then c for LSTM). This is what a step model computes.
    /// </summary>
    public Tensor Predict(Tensor inputs, IReadOnlyList<Tensor>? initialStates, out IReadOnlyList<Tensor> finalStates, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var states = new List<Tensor>();
        var output = PredictCore(inputs, lengths, Math.Max(1, inputs.Dim(0)), initialStates, states);
        finalStates = states;
        return output;
    }

    private Tensor PredictCore(Tensor inputs, int[]? lengths, int batchSize, IReadOnlyList<Tensor>? initialStates, List<Tensor>? finalStates)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (batchSize < 1) throw new ModelConfigurationException($"Batch size must be at least 1, got {batchSize}.");
        EnsureBuilt(inputs, 0);
        var shapeOut = OutputShape;
        int n = inputs.Dim(0);
        int steps = InputShape.IsSequence ? inputs.Dim(1) : 0;
        var dummyTargets = shapeOut.IsSequence ? Tensor.Zeros(n, steps, 1) : Tensor.Zeros(n, 1);
        var data = new SequenceDataset(inputs, dummyTargets, lengths);
        var outShape = shapeOut.IsSequence ? new[] { n, steps, shapeOut.Width } : new[] { n, shapeOut.Width };
        var result = Tensor.Zeros(outShape);
        var cells = RecurrentLayers;
        // Checked in full before any pass runs, so a bad state fails the call with nothing half done.
        var initial = InitialStateArrays(cells, initialStates, n);
        var assembler = new BatchAssembler();
        var context = new PassContext { Training = false };
        int[] order = Enumerable.Range(0, n).ToArray();
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            assembler.Gather(data, order.AsSpan(start, count), InputShape, shapeOut with { Width = 1 }, 1);
            context.Lengths = assembler.Lengths;
            var y = ForwardPass(assembler.Inputs, context, initial);
            ScatterOutput(y, result, start, count);
            if (finalStates is not null)
                foreach (var cell in cells)
                    for (int s = 0; s < cell.StateCount; s++)
                        finalStates.Add(new Tensor(cell.FinalState(s).ToArray(), count, cell.Units));
        }
        return result;
    }

    /// <summary>The states' data in <see cref="RecurrentLayers"/> order, checked against the cells; empty for none.</summary>
    private static float[][] InitialStateArrays(IReadOnlyList<RecurrentLayer> cells, IReadOnlyList<Tensor>? states, int batch)
    {
        if (states is null) return [];
        int expected = cells.Sum(c => c.StateCount);
        if (states.Count != expected)
            throw new ShapeException($"Expected {expected} initial state tensors (one per recurrent layer and state), got {states.Count}.");
        var arrays = new float[expected][];
        int i = 0;
        foreach (var cell in cells)
            for (int s = 0; s < cell.StateCount; s++, i++)
            {
                var state = states[i] ?? throw new ShapeException($"Initial state {i} (layer '{cell.Name}', state {s}) is null.");
                if (state.Rank != 2 || state.Dim(0) != batch || state.Dim(1) != cell.Units)
                    throw new ShapeException($"Initial state {i} (layer '{cell.Name}', state {s}) must be [{batch}, {cell.Units}], got {state}.");
                arrays[i] = state.Data;
            }
        return arrays;
    }

    private static void ScatterOutput(Signal y, Tensor result, int start, int count)
    {
        int w = y.Width;
        if (!y.IsSequence)
        {
            y.Span.CopyTo(result.Data.AsSpan(start * w, count * w));
            return;
        }
        int steps = y.Steps;
        for (int b = 0; b < count; b++)
            for (int t = 0; t < steps; t++)
                y.Row(t, b).CopyTo(result.Data.AsSpan(((start + b) * steps + t) * w, w));
    }

    /// <summary>Writes architecture and weights to <paramref name="path"/> atomically (see <see cref="Load(string)"/>).</summary>
    public void Save(string path)
    {
        if (!IsBuilt) throw new ModelConfigurationException("Cannot save a model that is not built: it has no weights yet.");
        AtomicFile.Write(path, Save);
    }

    /// <summary>Writes architecture and weights to a stream.</summary>
    public void Save(Stream stream)
    {
        if (!IsBuilt) throw new ModelConfigurationException("Cannot save a model that is not built: it has no weights yet.");
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        ModelSerializer.Write(writer, this);
    }

    /// <summary>Reads a model written by <see cref="Save(string)"/>; the weights are bit-identical. Compile it again to train.</summary>
    /// <exception cref="ModelFileException">The file is missing, truncated, or not a model file.</exception>
    public static Sequential Load(string path)
    {
        try
        {
            using var stream = Serialization.InputFile.OpenRead(path);
            return Load(stream, $"Model file '{path}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"Model file '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Reads a model from a stream.</summary>
    public static Sequential Load(Stream stream, string source = "Model stream")
    {
        try
        {
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            return ModelSerializer.Read(reader, source);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFileException($"{source} is truncated.", e);
        }
    }

    void ITrainable.Prepare(SequenceDataset data, ulong seed)
    {
        EnsureBuilt(data.Inputs, seed);
        CheckTargets(data);
    }

    void ITrainable.Gather(BatchAssembler batch, SequenceDataset data, ReadOnlySpan<int> indices) =>
        batch.Gather(data, indices, InputShape, OutputShape, Loss!.TargetWidth(OutputShape.Width));

    Signal ITrainable.Forward(BatchAssembler batch, PassContext context) => ForwardPass(batch.Inputs, context, [], LossTakesLogits);

    void ITrainable.Backward(Signal outputGradient, PassContext context) => BackwardPass(outputGradient, context);

    string ITrainable.DescribeArchitecture() => ModelSerializer.DescribeArchitecture(this);

    /// <summary>
    /// Runs the layers on one batch. <paramref name="initialStates"/>: the recurrent layers' starting states in
    /// <see cref="RecurrentLayers"/> order, one array per state ([batch, units] in its first values), or empty for
    /// zeros. <paramref name="logits"/>: a final Dense outputs its pre-activation (for a loss that applies the softmax).
    /// Nothing given here outlives the call.
    /// </summary>
    internal Signal ForwardPass(Signal input, PassContext context, ReadOnlySpan<float[]> initialStates = default, bool logits = false)
    {
        var signal = input;
        int next = 0;
        for (int i = 0; i < _layers.Count; i++)
        {
            signal = _layers[i] switch
            {
                RecurrentLayer r => r.Forward(signal, context, StatesOf(initialStates, ref next, r.StateCount)),
                Bidirectional b => b.Forward(signal, context, StatesOf(initialStates, ref next, b.StateCount)),
                Dense d when logits && i == _layers.Count - 1 => d.Forward(signal, context, logits: true),
                var layer => layer.Forward(signal, context),
            };
        }
        if (!initialStates.IsEmpty && next != initialStates.Length)
            throw new ShapeException($"{initialStates.Length} initial states were given but the recurrent layers have {next}.");
        return signal;
    }

    /// <summary>
    /// Backpropagates ∂L/∂output through the layers. When <paramref name="initialStateGradients"/> is not empty it
    /// receives ∂L/∂(initial states), laid out as <see cref="ForwardPass"/>'s initial states.
    /// </summary>
    internal void BackwardPass(Signal outputGradient, PassContext context, ReadOnlySpan<float[]> initialStateGradients = default)
    {
        Signal? gradient = outputGradient;
        int end = initialStateGradients.Length;
        for (int i = _layers.Count - 1; i >= 0 && gradient is not null; i--)
        {
            gradient = _layers[i] switch
            {
                RecurrentLayer r => r.Backward(gradient, context, StatesBefore(initialStateGradients, ref end, r.StateCount)),
                Bidirectional b => b.Backward(gradient, context, StatesBefore(initialStateGradients, ref end, b.StateCount)),
                var layer => layer.Backward(gradient, context),
            };
        }
        if (end != 0)
            throw new ShapeException($"{initialStateGradients.Length} initial-state gradient arrays were given but the recurrent layers have {initialStateGradients.Length - end}.");
    }

    /// <summary>The next <paramref name="count"/> states from <paramref name="next"/> on (empty stays empty).</summary>
    private static ReadOnlySpan<float[]> StatesOf(ReadOnlySpan<float[]> all, ref int next, int count)
    {
        int start = next;
        next += count;
        if (all.IsEmpty) return [];
        if (next > all.Length) throw new ShapeException($"{all.Length} initial states were given but the recurrent layers have more.");
        return all.Slice(start, count);
    }

    /// <summary>The <paramref name="count"/> states ending at <paramref name="end"/>, walking the layers last to first.</summary>
    private static ReadOnlySpan<float[]> StatesBefore(ReadOnlySpan<float[]> all, ref int end, int count)
    {
        if (all.IsEmpty) return [];
        end -= count;
        if (end < 0) throw new ShapeException($"{all.Length} initial-state gradient arrays were given but the recurrent layers have more states.");
        return all.Slice(end, count);
    }

    /// <summary>Builds from the first data seen (Keras's deferred build) and checks inputs against the built shape.</summary>
    internal void EnsureBuilt(Tensor inputs, ulong seed)
    {
        var shape = InferInputShape(inputs);
        if (!IsBuilt) Build(shape, seed);
        else if (shape != InputShape)
            throw new ShapeException($"The model was built for samples {InputShape}, but the inputs {inputs} give samples {shape}.");
    }

    private LayerShape InferInputShape(Tensor inputs)
    {
        bool embeddingFirst = _layers.Count > 0 && _layers[0] is Embedding;
        bool recurrentFirst = _layers.Count > 0 && _layers[0] is RecurrentLayer or Bidirectional;
        return inputs.Rank switch
        {
            4 => LayerShape.ForImage(new ImageShape(inputs.Dim(1), inputs.Dim(2), inputs.Dim(3))),
            3 => new LayerShape(true, inputs.Dim(2)),
            2 when embeddingFirst => new LayerShape(true, 1),
            2 when recurrentFirst => throw new ShapeException($"The first layer is recurrent, so inputs must be [samples, time, features], got {inputs} (add a features axis of 1 for a univariate series)."),
            2 => new LayerShape(false, inputs.Dim(1)),
            _ => throw new ShapeException($"Inputs must be [samples, time, features] (or [samples, time] of token ids, [samples, features], or [samples, height, width, channels] images), got {inputs} of rank {inputs.Rank}."),
        };
    }

    /// <summary>Checks that targets fit the model's output (width per step or per sample, as the loss reads it).</summary>
    internal void CheckTargets(SequenceDataset data)
    {
        var output = OutputShape;
        int width = Loss!.TargetWidth(output.Width);
        var y = data.Targets;
        int n = data.Count;
        int steps = InputShape.IsSequence ? data.Inputs.Dim(1) : 0;
        bool ok = output.IsSequence
            ? (y.Rank == 3 && y.Dim(1) == steps && y.Dim(2) == width) || (y.Rank == 2 && width == 1 && y.Dim(1) == steps)
            : (y.Rank == 2 && y.Dim(1) == width) || (y.Rank == 1 && width == 1);
        if (!ok)
        {
            string expected = output.IsSequence ? $"[{n}, {steps}, {width}]" : $"[{n}, {width}]";
            throw new ShapeException($"Targets {y} do not fit the model: it outputs {output} per sample and the {Loss.TypeName} loss reads {width} target value(s) per output, so targets must be {expected}.");
        }
    }
}
