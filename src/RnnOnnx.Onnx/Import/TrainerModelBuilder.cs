using RnnOnnx.Layers;
using RnnOnnx.Training;

namespace RnnOnnx.Onnx.Import;

/// <summary>Turns an <see cref="ImportPlan"/> into a built <see cref="Sequential"/> holding the graph's weights in the trainer's layout.</summary>
internal static class TrainerModelBuilder
{
    public static Sequential Build(ImportPlan plan)
    {
        var specs = plan.Layers.Layers;
        var namer = new LayerNamer();
        var layers = specs.Select(spec => Create(spec, namer)).ToArray();
        var model = new Sequential(layers);
        model.Build(plan.InputShape, seed: 0);
        for (int i = 0; i < specs.Count; i++) CopyWeights(specs[i], layers[i]);
        return model;
    }

    private static Layer Create(LayerSpec spec, LayerNamer namer)
    {
        Layer layer = spec switch
        {
            EmbeddingSpec e => new Embedding(e.Vocabulary, e.Width),
            DenseSpec d => new Dense(d.Units, d.Activation),
            RecurrentSpec r => r.Directions == 2 ? new Bidirectional(Cell(r)) : Cell(r),
            _ => throw new UnsupportedOnnxModelException(spec.Node, null, "has no trainer layer."),
        };
        string type = layer switch { Embedding => "embedding", Dense => "dense", Bidirectional => "bidirectional", Lstm => "lstm", Gru => "gru", _ => "simplernn" };
        layer.Name = namer.Name(spec.Node, type);
        return layer;
    }

    private static RecurrentLayer Cell(RecurrentSpec r)
    {
        bool sequences = r.ReturnSequences ?? throw new UnsupportedOnnxModelException(r.Node, null, "no later node reads its output.");
        return r.Cell switch
        {
            CellKind.Lstm => new Lstm(r.Hidden, sequences, r.Activation, r.RecurrentActivation),
            CellKind.Gru => new Gru(r.Hidden, sequences, r.Activation, r.RecurrentActivation),
            _ => new SimpleRnn(r.Hidden, sequences, r.Activation),
        };
    }

    private static void CopyWeights(LayerSpec spec, Layer layer)
    {
        switch (spec, layer)
        {
            case (EmbeddingSpec e, Embedding embedding):
                Copy(e.Table, embedding.Table, e.Node);
                break;
            case (DenseSpec d, Dense dense):
                Copy(d.Kernel, dense.Kernel, d.Node);
                Copy(d.Bias, dense.Bias, d.Node);
                break;
            case (RecurrentSpec r, RecurrentLayer cell):
                CopyDirection(r, 0, cell);
                break;
            case (RecurrentSpec r, Bidirectional bi):
                CopyDirection(r, 0, bi.ForwardLayer);
                CopyDirection(r, 1, bi.BackwardLayer);
                break;
        }
    }

    /// <summary>Direction d of an ONNX node → one trainer cell: gate blocks reordered, LSTM/RNN biases Wb + Rb summed, GRU's kept apart.</summary>
    private static void CopyDirection(RecurrentSpec r, int d, RecurrentLayer cell)
    {
        int h = r.Hidden, inputs = r.Inputs, gh = r.Gates * h;
        var blocks = GateLayout.OnnxToTrainer(cell);
        if (cell.Kernel.Value.Length != inputs * gh || cell.RecurrentKernel.Value.Length != h * gh)
            throw new UnsupportedOnnxModelException(r.Node, null, "its weights do not fit the trainer layer built for it.");
        GateLayout.FromOnnxMatrix(r.W.AsSpan(d * gh * inputs, gh * inputs), cell.Kernel.Value, inputs, h, blocks);
        GateLayout.FromOnnxMatrix(r.R.AsSpan(d * gh * h, gh * h), cell.RecurrentKernel.Value, h, h, blocks);
        var wb = r.B is null ? new float[gh] : r.B.AsSpan(d * 2 * gh, gh).ToArray();
        var rb = r.B is null ? new float[gh] : r.B.AsSpan(d * 2 * gh + gh, gh).ToArray();
        if (cell is Gru gru)
        {
            GateLayout.FromOnnxVector(wb, gru.Bias.Value, h, blocks);
            GateLayout.FromOnnxVector(rb, gru.RecurrentBias.Value, h, blocks);
            return;
        }
        // One bias in the trainer: b = Wb + Rb (added only where Rb ≠ 0, so that our own exports come back bit for bit).
        for (int i = 0; i < gh; i++)
            if (rb[i] != 0f) wb[i] += rb[i];
        GateLayout.FromOnnxVector(wb, cell.Bias.Value, h, blocks);
    }

    private static void Copy(float[] source, Parameter target, string node)
    {
        if (source.Length != target.Value.Length)
            throw new UnsupportedOnnxModelException(node, null, $"its weights ({source.Length} values) do not fit the trainer layer built for it ({target.Value.Length}).");
        source.CopyTo(target.Value, 0);
    }

    /// <summary>Layer names from node names ("lstm_1/LSTM" → "lstm_1", "/rnn/LSTM_1" → "rnn"), made unique.</summary>
    private sealed class LayerNamer
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

        public string Name(string node, string type)
        {
            string trimmed = node.Trim('/');
            int slash = trimmed.LastIndexOf('/');
            string stem = slash > 0 ? trimmed[..slash] : "";
            if (stem.Length == 0 || stem.StartsWith('#'))
            {
                do stem = $"{type}_{_counts[type] = _counts.GetValueOrDefault(type) + 1}";
                while (_used.Contains(stem));
            }
            string name = stem;
            for (int i = 2; !_used.Add(name); i++) name = $"{stem}_{i}";
            return name;
        }
    }
}
