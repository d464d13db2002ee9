using RnnOnnx.Layers;

namespace RnnOnnx.Onnx.Import;

/// <summary>A trainer layer recognised in the graph, with its weights in the layout the graph had them.</summary>
internal abstract class LayerSpec(string node)
{
    /// <summary>The node that made the layer (its name also names the layer).</summary>
    public string Node { get; } = node;

    /// <summary>Whether the layer outputs a sequence (known for recurrent layers once their output is used).</summary>
    public abstract bool? OutputIsSequence { get; }

    public abstract string Describe();
}

internal sealed class EmbeddingSpec(string node, int vocabulary, int width, float[] table) : LayerSpec(node)
{
    public int Vocabulary { get; } = vocabulary;
    public int Width { get; } = width;
    public float[] Table { get; } = table;
    public override bool? OutputIsSequence => true;
    public override string Describe() => $"embedding '{Node}'";
}

/// <summary>y = f(x·W + b): W [inputs, units] row-major, as the trainer holds it.</summary>
internal sealed class DenseSpec(string node, int inputs, int units, float[] kernel, bool inputIsSequence) : LayerSpec(node)
{
    public int Inputs { get; } = inputs;
    public int Units { get; } = units;
    public float[] Kernel { get; } = kernel;
    public float[] Bias { get; } = new float[units];
    public bool HasBias { get; set; }
    public Activation Activation { get; set; } = Activation.Linear;
    public override bool? OutputIsSequence => inputIsSequence;
    public override string Describe() => $"dense layer '{Node}'";
}

internal enum CellKind { Lstm, Gru, Rnn }

/// <summary>One ONNX LSTM/GRU/RNN node: W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] in ONNX's gate order.</summary>
internal sealed class RecurrentSpec(string node, CellKind cell, Activation activation, Activation recurrentActivation, int hidden, int inputs, int directions, float[] w, float[] r, float[]? b, bool usesLengths)
    : LayerSpec(node)
{
    public CellKind Cell { get; } = cell;
    /// <summary>Keras's activation (SimpleRnn's only one; LSTM/GRU candidate and LSTM cell output).</summary>
    public Activation Activation { get; } = activation;
    /// <summary>Keras's recurrent_activation: the LSTM/GRU gates' function.</summary>
    public Activation RecurrentActivation { get; } = recurrentActivation;
    public int Hidden { get; } = hidden;
    public int Inputs { get; } = inputs;
    public int Directions { get; } = directions;
    public float[] W { get; } = w;
    public float[] R { get; } = r;
    public float[]? B { get; } = b;
    public bool UsesLengths { get; } = usesLengths;

    /// <summary>Decided by how the next layer (or the graph output) reads it: Y → true; Y_h or Y's last step → false.</summary>
    public bool? ReturnSequences { get; set; }

    public override bool? OutputIsSequence => ReturnSequences;
    public int Gates => Cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };
    public override string Describe() => $"{Cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "RNN" }} '{Node}'";
}

/// <summary>The chain of layers found so far; its last layer's current output (stage, version) is the only value a new layer may read.</summary>
internal sealed class LayerPlan
{
    public List<LayerSpec> Layers { get; } = [];

    /// <summary>Index of the last layer, or −1 while only the input exists.</summary>
    public int Head => Layers.Count - 1;

    /// <summary>Bumped when a bias or activation is folded into the head Dense layer: values from before are stale.</summary>
    public int HeadVersion { get; set; }

    public LayerSpec? HeadLayer => Layers.Count == 0 ? null : Layers[^1];

    public int Add(LayerSpec layer)
    {
        Layers.Add(layer);
        HeadVersion = 0;
        return Head;
    }
}
