using System.Text.Json;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Maps integer token ids (given as whole numbers in a width-1 input) to learned vectors: y = W[id].
/// Must be the first layer. W is [inputDim, outputDim], initialised U(−0.05, 0.05) as in Keras.
/// </summary>
public sealed class Embedding : Layer
{
    private Parameter? _table;
    private Signal? _input;
    private readonly Signal _output = new();

    /// <summary>Creates the layer.</summary>
    /// <param name="inputDim">Vocabulary size: ids run from 0 to inputDim − 1.</param>
    /// <param name="outputDim">Vector width.</param>
    public Embedding(int inputDim, int outputDim)
    {
        Require(inputDim >= 1, $"Embedding inputDim must be at least 1, got {inputDim}.");
        Require(outputDim >= 1, $"Embedding outputDim must be at least 1, got {outputDim}.");
        InputDim = inputDim;
        OutputDim = outputDim;
    }

    /// <summary>Vocabulary size.</summary>
    public int InputDim { get; }

    /// <summary>Vector width.</summary>
    public int OutputDim { get; }

    /// <summary>W, [inputDim, outputDim].</summary>
    public Parameter Table => _table ?? throw new ModelConfigurationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _table is null ? [] : [_table];

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Embedding";

    internal override string TypeName => Type;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng)
    {
        Require(input.Width == 1, $"Embedding '{Name}' takes one token id per step (input width 1), got input {input}.");
        _table = new Parameter("embeddings", InputDim, OutputDim);
        Initializers.Uniform(_table.Value, 0.05f, rng);
        return input with { Width = OutputDim };
    }

    internal override Signal Forward(Signal input, PassContext context)
    {
        _input = input;
        var y = _output.Resize(input.Steps, input.Batch, OutputDim);
        var ids = input.Span;
        var table = Table.Value;
        for (int r = 0; r < ids.Length; r++)
        {
            int id = ToId(ids[r], r, input);
            table.AsSpan(id * OutputDim, OutputDim).CopyTo(y.Data.AsSpan(r * OutputDim, OutputDim));
        }
        return y;
    }

    private int ToId(float value, int row, Signal input)
    {
        int id = (int)value;
        if (id != value || id < 0 || id >= InputDim)
        {
            int b = input.IsSequence ? row % input.Batch : row, t = input.IsSequence ? row / input.Batch : 0;
            throw new DataException($"Embedding '{Name}': token id {value} at batch row {b}, step {t} is not a whole number in [0, {InputDim}).");
        }
        return id;
    }

    internal override Signal? Backward(Signal outputGradient, PassContext context)
    {
        var ids = _input!.Span;
        var dy = outputGradient.Span;
        var grad = Table.Gradient.AsSpan();
        for (int r = 0; r < ids.Length; r++)
        {
            if (!context.IsValid(_input.IsSequence ? r / _input.Batch : 0, _input.IsSequence ? r % _input.Batch : r)) continue;
            // ∂W[id] += ∂y_r, in row order so repeated ids sum deterministically.
            System.Numerics.Tensors.TensorPrimitives.Add(grad.Slice((int)ids[r] * OutputDim, OutputDim), dy.Slice(r * OutputDim, OutputDim), grad.Slice((int)ids[r] * OutputDim, OutputDim));
        }
        return null;
    }

    internal override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("inputDim", InputDim);
        writer.WriteNumber("outputDim", OutputDim);
    }

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static Embedding ReadConfig(ConfigReader config) => new(config.Int("inputDim"), config.Int("outputDim"));
}
