using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;

namespace RnnOnnx.Training;

/// <summary>
/// A sequence model conditioned on something else through its initial state, as in Show and Tell (Vinyals et al.,
/// 2015): the encoder maps each sample's condition (e.g. an image) to a vector that is cut into the decoder's
/// initial recurrent states, and the decoder is trained on the sequence with teacher forcing.
/// <code>
/// var encoder = new Sequential(new Conv2D(16, 3, Activation.Relu, Padding.Same), new MaxPool2D(2), new Flatten(),
///                              new Dense(2 * 128));                             // h₀ and c₀ of the LSTM below
/// var decoder = new Sequential(new Embedding(vocabulary, 32), new Lstm(128, returnSequences: true),
///                              new Dense(vocabulary, Activation.Softmax));
/// var model = new EncoderDecoder(encoder, decoder);
/// model.Compile(new Adam(), new SoftmaxCrossEntropy());
/// model.Fit(new SequenceDataset(previousTokens, nextTokens, lengths, conditions: images));
/// </code>
/// The encoder's output width must equal the decoder's state widths summed over its recurrent layers in order
/// (h then c for an LSTM). Gradients flow from the decoder's initial states back into the encoder, so both train jointly.
/// </summary>
public sealed class EncoderDecoder : ITrainable
{
    private readonly Signal _encoderGradient = new();
    /// <summary>Per decoder state (in <see cref="Slices"/> order): its initial value for this batch, and ∂L/∂ of it. Reused across batches.</summary>
    private float[][] _initialStates = [], _initialGradients = [];

    /// <summary>Joins an encoder and a decoder (both unbuilt or already built).</summary>
    public EncoderDecoder(Sequential encoder, Sequential decoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        if (ReferenceEquals(encoder, decoder)) throw new ModelConfigurationException("The encoder and the decoder must be different models.");
        Encoder = encoder;
        Decoder = decoder;
    }

    /// <summary>Maps a condition to the decoder's initial states.</summary>
    public Sequential Encoder { get; }

    /// <summary>The sequence model.</summary>
    public Sequential Decoder { get; }

    /// <summary>The optimizer given to <see cref="Compile"/>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to <see cref="Compile"/>.</summary>
    public Loss? Loss => Decoder.Loss;

    /// <summary>Whether both halves have weights.</summary>
    public bool IsBuilt => Encoder.IsBuilt && Decoder.IsBuilt;

    /// <summary>The encoder's weights, then the decoder's.</summary>
    public IReadOnlyList<Parameter> Parameters => [.. Encoder.Parameters, .. Decoder.Parameters];

    /// <summary>Width of the state vector the encoder must produce: Σ over the decoder's recurrent layers of states × units.</summary>
    public int StateWidth => Slices.Count == 0 ? 0 : Slices[^1].Offset + Slices[^1].Cell.Units;

    private List<(RecurrentLayer Cell, int State, int Offset)>? _slices;

    /// <summary>The decoder's states in the order the encoder's output lays them side by side: cell, state index, first column.</summary>
    private List<(RecurrentLayer Cell, int State, int Offset)> Slices => _slices ??= ComputeSlices();

    private List<(RecurrentLayer Cell, int State, int Offset)> ComputeSlices()
    {
        var slices = new List<(RecurrentLayer, int, int)>();
        int offset = 0;
        foreach (var cell in Decoder.RecurrentLayers)
            for (int s = 0; s < cell.StateCount; s++, offset += cell.Units) slices.Add((cell, s, offset));
        return slices;
    }

    /// <summary>Copies <paramref name="columns"/> columns of every row between two row-major matrices of different widths.</summary>
    private static void CopyColumns(ReadOnlySpan<float> from, int fromWidth, int fromOffset, Span<float> to, int toWidth, int toOffset, int columns, int rows)
    {
        for (int r = 0; r < rows; r++) from.Slice(r * fromWidth + fromOffset, columns).CopyTo(to.Slice(r * toWidth + toOffset, columns));
    }

    /// <summary>Sets how the model trains (the loss applies to the decoder's output).</summary>
    public void Compile(Optimizer optimizer, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Decoder.Compile(optimizer, loss);
        Optimizer = optimizer;
    }

    /// <summary>Trains both halves jointly; the dataset's <see cref="SequenceDataset.Conditions"/> feed the encoder.</summary>
    /// <exception cref="TrainingDivergedException">A batch's loss was NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled (after writing a checkpoint if configured).</exception>
    public History Fit(SequenceDataset data, FitOptions? options = null, SequenceDataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Optimizer is null || Loss is null) throw new ModelConfigurationException("Call Compile(optimizer, loss) before Fit.");
        return new FitLoop(this, data, options ?? new FitOptions(), validation).Run();
    }

    /// <summary>Mean loss on a dataset, in inference mode.</summary>
    public double Evaluate(SequenceDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Loss is null) throw new ModelConfigurationException("Call Compile(optimizer, loss) before Evaluate.");
        if (!IsBuilt) throw new ModelConfigurationException("The model is not built: there are no weights to evaluate (fit or load it first).");
        ((ITrainable)this).Prepare(data, 0);
        return new FitLoop(this, data, new FitOptions { BatchSize = batchSize }, null).Evaluate(data);
    }

    /// <summary>The decoder's initial states for each condition: one [samples, units] tensor per recurrent layer and state.</summary>
    public IReadOnlyList<Tensor> EncodeStates(Tensor conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var encoded = Encoder.Predict(conditions);
        CheckStateWidth();
        int n = conditions.Dim(0), width = encoded.Dim(1);
        var states = new List<Tensor>();
        foreach (var (cell, _, offset) in Slices)
        {
            var state = Tensor.Zeros(n, cell.Units);
            CopyColumns(encoded.Data, width, offset, state.Data, cell.Units, 0, cell.Units, n);
            states.Add(state);
        }
        return states;
    }

    /// <summary>The decoder's outputs (probabilities for a softmax output) for sequences started from their conditions' states.</summary>
    public Tensor Predict(Tensor conditions, Tensor inputs, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var states = EncodeStates(conditions);
        return Decoder.Predict(inputs, states, out _, lengths);
    }

    void ITrainable.Prepare(SequenceDataset data, ulong seed)
    {
        var conditions = data.Conditions
            ?? throw new DataException("An EncoderDecoder trains on datasets with conditions (the encoder's input per sample); this dataset has none.");
        Encoder.EnsureBuilt(conditions, seed);
        Decoder.EnsureBuilt(data.Inputs, seed + 1);
        CheckStateWidth();
        Decoder.CheckTargets(data);
    }

    /// <summary>Checks that the encoder's output is one vector per sample as wide as the decoder's initial states.</summary>
    /// <exception cref="ShapeException">The widths differ, or the encoder outputs a sequence.</exception>
    public void CheckStateWidth()
    {
        if (Decoder.RecurrentLayers.Count == 0) throw new ModelConfigurationException("The decoder has no recurrent layer whose initial state the encoder could set.");
        if (Encoder.OutputShape.IsSequence || Encoder.OutputShape.Width != StateWidth)
            throw new ShapeException(
                $"The encoder outputs {Encoder.OutputShape} per sample, but the decoder's initial states need [{StateWidth}] " +
                $"({string.Join(" + ", Decoder.RecurrentLayers.Select(c => $"{c.StateCount}×{c.Units} for '{c.Name}'"))}).");
    }

    void ITrainable.Gather(BatchAssembler batch, SequenceDataset data, ReadOnlySpan<int> indices) =>
        batch.Gather(data, indices, Decoder.InputShape, Decoder.OutputShape, Loss!.TargetWidth(Decoder.OutputShape.Width), Encoder.InputShape);

    Signal ITrainable.Forward(BatchAssembler batch, PassContext context)
    {
        var encoded = Encoder.ForwardPass(batch.Conditions, context);
        int rows = encoded.Batch;
        GrowStateBuffers(rows);
        for (int i = 0; i < Slices.Count; i++)
        {
            var (cell, _, offset) = Slices[i];
            CopyColumns(encoded.Data, encoded.Width, offset, _initialStates[i], cell.Units, 0, cell.Units, rows);
        }
        return Decoder.ForwardPass(batch.Inputs, context, _initialStates, Decoder.LossTakesLogits);
    }

    /// <summary>Sizes the per-state buffers for <paramref name="rows"/> (allocates only when a batch is larger than any before).</summary>
    private void GrowStateBuffers(int rows)
    {
        if (_initialStates.Length != Slices.Count)
        {
            _initialStates = new float[Slices.Count][];
            _initialGradients = new float[Slices.Count][];
            for (int i = 0; i < Slices.Count; i++) _initialStates[i] = _initialGradients[i] = [];
        }
        for (int i = 0; i < Slices.Count; i++)
        {
            int length = rows * Slices[i].Cell.Units;
            if (_initialStates[i].Length < length) (_initialStates[i], _initialGradients[i]) = (new float[length], new float[length]);
        }
    }

    void ITrainable.Backward(Signal outputGradient, PassContext context)
    {
        Decoder.BackwardPass(outputGradient, context, _initialGradients);
        // ∂L/∂(encoder output) is the decoder's ∂L/∂(initial states), laid side by side as in Forward.
        int rows = outputGradient.Batch, width = StateWidth;
        var gradient = _encoderGradient.Resize(0, rows, width);
        for (int i = 0; i < Slices.Count; i++)
        {
            var (cell, _, offset) = Slices[i];
            CopyColumns(_initialGradients[i], cell.Units, 0, gradient.Data, width, offset, cell.Units, rows);
        }
        Encoder.BackwardPass(gradient, context);
    }

    string ITrainable.DescribeArchitecture() =>
        $"{Serialization.ModelSerializer.DescribeArchitecture(Encoder)}→{Serialization.ModelSerializer.DescribeArchitecture(Decoder)}";
}
