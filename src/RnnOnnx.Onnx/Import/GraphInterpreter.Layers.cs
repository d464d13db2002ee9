using RnnOnnx.Layers;

namespace RnnOnnx.Onnx.Import;

/// <summary>The layer nodes: recurrent cells, dense layers (MatMul/Gemm, bias, activation) and embeddings.</summary>
internal sealed partial class GraphInterpreter
{
    private void Arithmetic(NodeView node)
    {
        string op = node.OpType;
        var a = Need(node, 0);
        var b = Need(node, 1);
        switch (a, b)
        {
            case (ConstValue x, ConstValue y):
                Set(node, 0, new ConstValue(_fold.Binary(node, op, x.Tensor, y.Tensor)));
                return;
            case (ZerosValue z, ZerosValue) when op is "Add" or "Sub":
                Set(node, 0, z);
                return;
            case (DataValue x, ConstValue y) when op is "Add" or "Sub":
                Set(node, 0, Bias(node, x, y.Tensor, op == "Sub" ? -1 : 1));
                return;
            case (ConstValue y, DataValue x) when op == "Add":
                Set(node, 0, Bias(node, x, y.Tensor, 1));
                return;
        }
        if (Symbolic(a) is { } p && Symbolic(b) is { } q && (a is ShapeValue || b is ShapeValue))
        {
            int n = Math.Max(p.Length, q.Length);
            if ((p.Length != n && p.Length != 1) || (q.Length != n && q.Length != 1)) throw node.Fail($"{op} of shapes of {p.Length} and {q.Length} elements.");
            var items = new SymDim[n];
            for (int i = 0; i < n; i++)
            {
                SymDim x = p[p.Length == 1 ? 0 : i], y = q[q.Length == 1 ? 0 : i];
                items[i] = op switch { "Add" => x.Plus(y, 1), "Sub" => x.Plus(y, -1), "Mul" => x * y, _ => x.DivideBy(y) };
            }
            bool scalar = a is ShapeValue { IsScalar: true } or ConstValue { Tensor.Rank: 0 } && b is ShapeValue { IsScalar: true } or ConstValue { Tensor.Rank: 0 };
            Set(node, 0, Ints(items, scalar));
            return;
        }
        throw node.Fail($"{op} of {KindOf(a)} and {KindOf(b)}: the only arithmetic on data the importer maps is a dense layer's bias (Add or Sub of a constant right after MatMul or Gemm).");
    }

    /// <summary>The head Dense layer, if <paramref name="x"/> is its current output and it has no activation yet.</summary>
    private DenseSpec OpenDense(NodeView node, DataValue x, string what)
    {
        CheckData(node, x, "the data");
        if (!x.IsInput && _plan.HeadLayer is DenseSpec dense && x.Entries is [var e] && e.Stage == _plan.Head && e.Version == _plan.HeadVersion && e.Kind == EntryKind.Output)
        {
            if (dense.Activation != Activation.Linear)
                throw node.Fail($"{what} after the {dense.Activation} activation of {dense.Describe()}: the trainer's Dense applies its activation last.");
            return dense;
        }
        string source = x.IsInput ? $"the graph input '{x.Source}'" : x.Entries[0].Stage >= 0 ? _plan.Layers[x.Entries[0].Stage].Describe() : "data";
        throw node.Fail($"{what} on the output of {source}: the trainer has biases and activations only inside Dense layers (MatMul or Gemm, then Add, then the activation).");
    }

    private DataValue Bias(NodeView node, DataValue x, ConstTensor c, int sign)
    {
        var dense = OpenDense(node, x, sign > 0 ? "adds a constant" : "subtracts a constant");
        var last = x.Axes[^1].Where(a => !x.IsSizeOne(a) || a.Kind == AtomKind.Features).ToArray();
        if (last is not [{ Kind: AtomKind.Features }]) throw node.Fail($"adds a constant to {Describe(x)}, whose last axis is not the dense layer's units.");
        if (!c.IsFloat) throw node.Fail("the bias must be a float constant.");
        int units = dense.Units;
        bool fits = c.Rank <= x.Rank && c.Dims.Take(Math.Max(0, c.Rank - 1)).All(d => d == 1) && (c.Rank == 0 || c.Dims[^1] == units || c.Dims[^1] == 1);
        if (!fits) throw node.Fail($"the bias has dims {NodeView.Describe(c.Dims)}, but the dense layer has {units} units: expected [{units}] (or leading 1s).");
        for (int j = 0; j < units; j++)
        {
            float v = c.Floats![c.Count == 1 ? 0 : j];
            dense.Bias[j] = dense.HasBias ? dense.Bias[j] + sign * v : sign * v;
        }
        dense.HasBias = true;
        return Bumped(x);
    }

    private DataValue Bumped(DataValue x)
    {
        int version = ++_plan.HeadVersion;
        return x.With(entries: x.Entries.Select(e => e with { Version = version }).ToArray());
    }

    private void ActivationNode(NodeView node)
    {
        if (Need(node, 0) is not DataValue x) throw node.Fail($"{node.OpType} of a constant or shape, which the importer does not fold.");
        var dense = OpenDense(node, x, $"applies {node.OpType}");
        if (node.OpType == "Softmax")
        {
            int axis = Axis(node, node.Int("axis", _opset < 13 ? 1 : -1), x.Rank);
            if (axis != x.Rank - 1) throw node.Fail($"Softmax over axis {axis} of {Describe(x)}: the trainer's softmax runs over the units (the last axis).");
        }
        dense.Activation = node.OpType switch
        {
            "Relu" => Activation.Relu,
            "Tanh" => Activation.Tanh,
            "Sigmoid" => Activation.Sigmoid,
            _ => Activation.Softmax,
        };
        Set(node, 0, Bumped(x));
    }

    /// <summary>A float weight constant of the given rank with no empty dimension.</summary>
    private static ConstTensor Weight(NodeView node, Value? value, string name, int rank)
    {
        if (value is not ConstValue { Tensor: { IsFloat: true } t })
            throw node.Fail($"{name} must be a float constant (initializer), but it is {KindOf(value)}.");
        if (t.Rank != rank || t.Dims.Any(d => d < 1))
            throw node.Fail($"{name} has dims {NodeView.Describe(t.Dims)}; expected {rank} non-empty dimensions.");
        return t;
    }

    private static DataValue LayerOutput(NodeView node, DataValue x, int stage, long units)
    {
        var axes = x.Axes[..^1].Select(a => a.Where(atom => atom.Kind != AtomKind.Directions).ToArray()).Append([Atom.Features(units)]).ToArray();
        return new DataValue(axes, [new Entry(stage, 0, 0, EntryKind.Output, node.DisplayName)]);
    }

    private void MatMul(NodeView node)
    {
        var a = Need(node, 0);
        var b = Need(node, 1);
        if (a is not DataValue x || b is not ConstValue)
            throw node.Fail($"MatMul of {KindOf(a)} and {KindOf(b)}: the importer maps MatMul only as data × a constant weight matrix (a dense layer).");
        var w = Weight(node, b, "the weight", 2);
        var (sequence, width) = TakeLayerInput(node, x, "the MatMul input");
        CheckWidth(node, x, width, w.Dims[0], $"the weight {NodeView.Describe(w.Dims)}");
        var spec = new DenseSpec(node.DisplayName, (int)w.Dims[0], (int)w.Dims[1], (float[])w.Floats!.Clone(), sequence);
        Set(node, 0, LayerOutput(node, x, _plan.Add(spec), spec.Units));
    }

    private void Gemm(NodeView node)
    {
        if (Need(node, 0) is not DataValue x) throw node.Fail("A must be data flowing from the model input; the importer maps Gemm only as a dense layer.");
        var b = Weight(node, Need(node, 1), "B", 2);
        var cValue = Get(node, 2);
        if (node.Int("transA", 0) != 0) throw node.Fail("transA=1: the importer maps Gemm only as data × weight (a dense layer).");
        long transB = node.Int("transB", 0);
        if (transB is not (0 or 1)) throw node.Fail($"transB={transB} is not 0 or 1.");
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        if (x.Rank != 2) throw node.Fail($"A is {Describe(x)}; Gemm reads a matrix [batch, features].");
        int inputs = (int)(transB == 1 ? b.Dims[1] : b.Dims[0]), units = (int)(transB == 1 ? b.Dims[0] : b.Dims[1]);
        var kernel = new float[inputs * units];
        for (int i = 0; i < inputs; i++)
            for (int u = 0; u < units; u++)
            {
                float v = transB == 1 ? b.Floats![u * inputs + i] : b.Floats![i * units + u];
                kernel[i * units + u] = alpha == 1f ? v : alpha * v;
            }
        float[]? bias = null;
        if (cValue is not null && beta != 0f)
        {
            if (cValue is not ConstValue { Tensor: { IsFloat: true } c }) throw node.Fail($"C must be a float constant, but it is {KindOf(cValue)}.");
            bool perUnit = c.Rank == 0 || c.Count == 1 || (c.Rank <= 2 && c.Dims[^1] == units && c.Count == units);
            if (!perUnit) throw node.Fail($"C has dims {NodeView.Describe(c.Dims)}, which is not one bias per unit ({units}): a bias that differs per batch row is not a dense layer's.");
            bias = new float[units];
            for (int u = 0; u < units; u++)
            {
                float v = c.Floats![c.Count == 1 ? 0 : u];
                bias[u] = beta == 1f ? v : beta * v;
            }
        }
        var (sequence, width) = TakeLayerInput(node, x, "A");
        CheckWidth(node, x, width, inputs, $"B {NodeView.Describe(b.Dims)}{(transB == 1 ? " (transposed)" : "")}");
        var spec = new DenseSpec(node.DisplayName, inputs, units, kernel, sequence);
        if (bias is not null) { bias.CopyTo(spec.Bias, 0); spec.HasBias = true; }
        Set(node, 0, LayerOutput(node, x, _plan.Add(spec), units));
    }

    private void Embedding(NodeView node, ConstTensor table, DataValue ids, long axis)
    {
        if (axis != 0) throw node.Fail($"gathers along axis {axis} of a constant table; an embedding gathers rows (axis 0).");
        var t = Weight(node, new ConstValue(table), "the embedding table", 2);
        TakeIds(node, ids);
        var spec = new EmbeddingSpec(node.DisplayName, (int)t.Dims[0], (int)t.Dims[1], (float[])t.Floats!.Clone());
        int stage = _plan.Add(spec);
        var axes = ids.Axes.Select(a => a.Where(atom => atom.IsSequenceAxis).ToArray()).Append([Atom.Features(spec.Width)]).ToArray();
        Set(node, 0, new DataValue(axes, [new Entry(stage, 0, 0, EntryKind.Output, node.DisplayName)]));
    }

    private void Recurrent(NodeView node)
    {
        var cell = node.OpType switch { "LSTM" => CellKind.Lstm, "GRU" => CellKind.Gru, _ => CellKind.Rnn };
        string direction = node.String("direction") ?? "forward";
        int directions = direction switch
        {
            "forward" => 1,
            "bidirectional" => 2,
            "reverse" => throw node.Fail("direction 'reverse': the trainer runs a recurrent layer backwards only as the second half of a Bidirectional."),
            _ => throw node.Fail($"direction '{direction}' is not forward, reverse or bidirectional."),
        };
        if (node.Int("layout", 0) != 0) throw node.Fail("layout=1 (batch-major): the importer reads layout 0 (time-major), the form ONNX Runtime accepts.");
        if (node.Has("clip")) throw node.Fail("clip is set: the trainer's cells do not clip their pre-activations.");
        if (cell == CellKind.Lstm && node.Int("input_forget", 0) != 0) throw node.Fail("input_forget=1 (coupled input and forget gates): the trainer's LSTM has separate gates.");
        if (cell == CellKind.Gru && node.Int("linear_before_reset", 0) != 1)
            throw node.Fail("linear_before_reset=0: the trainer's GRU applies the reset gate after the recurrent product (linear_before_reset=1, as PyTorch and Keras reset_after=True).");
        var (activation, recurrentActivation) = CellActivation(node, cell, directions);

        int gates = cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };
        var w = Weight(node, Get(node, 1), "W", 3);
        var r = Weight(node, Get(node, 2), "R", 3);
        var b = Get(node, 3) is { } bValue ? Weight(node, bValue, "B", 2) : null;
        long hidden = node.Has("hidden_size") ? node.Int("hidden_size", 0) : r.Dims[2];
        if (hidden < 1 || hidden > int.MaxValue / (2 * gates)) throw node.Fail($"hidden_size {hidden} is invalid.");
        long gh = gates * hidden;
        string expected = $"hidden_size {hidden} and direction '{direction}'";
        if (w.Dims[0] != directions || w.Dims[1] != gh) throw node.Fail($"W has dims {NodeView.Describe(w.Dims)}, but {expected} need [{directions}, {gh}, input width].");
        if (r.Dims[0] != directions || r.Dims[1] != gh || r.Dims[2] != hidden) throw node.Fail($"R has dims {NodeView.Describe(r.Dims)}, but {expected} need [{directions}, {gh}, {hidden}].");
        if (b is not null && (b.Dims[0] != directions || b.Dims[1] != 2 * gh)) throw node.Fail($"B has dims {NodeView.Describe(b.Dims)}, but {expected} need [{directions}, {2 * gh}].");
        long inputs = w.Dims[2];

        bool lengths = SequenceLengths(node, Get(node, 4));
        InitialState(node, Get(node, 5), "initial_h", directions, hidden);
        if (cell == CellKind.Lstm)
        {
            InitialState(node, Get(node, 6), "initial_c", directions, hidden);
            switch (Get(node, 7))
            {
                case null: break;
                case ZerosValue z: CheckZerosShape(node, "P", z.Dims, [SymDim.Known(directions), SymDim.Known(3 * hidden)]); break;
                case ConstValue { Tensor.IsAllZero: true } c: CheckZerosShape(node, "P", c.Tensor.Dims.Select(SymDim.Known).ToArray(), [SymDim.Known(directions), SymDim.Known(3 * hidden)]); break;
                default: throw node.Fail("peephole weights P are not zero: the trainer's LSTM has no peepholes.");
            }
        }

        if (Need(node, 0) is not DataValue x) throw node.Fail("X is not data flowing from the model input.");
        CheckData(node, x, "X");
        if (x.Rank != 3) throw node.Fail($"X is {Describe(x)}; a recurrent node reads [time, batch, features].");
        var time = x.Significant(x.Axes[0]);
        var batch = x.Significant(x.Axes[1]);
        if (time is not [{ IsSequenceAxis: true }] || batch is not [{ IsSequenceAxis: true }] || time[0].Kind == batch[0].Kind)
            throw node.Fail($"X is {Describe(x)}; a recurrent node (layout 0) reads [time, batch, features].");
        BindTime(node, time[0]);
        var (_, width) = TakeLayerInput(node, x, "X");
        CheckWidth(node, x, width, inputs, $"W {NodeView.Describe(w.Dims)}");

        var spec = new RecurrentSpec(node.DisplayName, cell, activation, recurrentActivation, (int)hidden, (int)inputs, directions,
            (float[])w.Floats!.Clone(), (float[])r.Floats!.Clone(), (float[]?)b?.Floats!.Clone(), lengths);
        int stage = _plan.Add(spec);
        Entry[] Entries(EntryKind kind) => Enumerable.Range(0, directions).Select(d => new Entry(stage, 0, d, kind, node.DisplayName)).ToArray();
        var units = Atom.Features(hidden);
        Set(node, 0, new DataValue([[time[0]], [Atom.Directions], [batch[0]], [units]], Entries(EntryKind.Output)));
        Set(node, 1, new DataValue([[Atom.Directions], [batch[0]], [units]], Entries(EntryKind.Final)));
        if (cell == CellKind.Lstm) Set(node, 2, new DataValue([[Atom.Directions], [batch[0]], [units]], Entries(EntryKind.Cell)));
    }

    /// <summary>
    /// The cell's (activation, recurrent activation) from its <c>activations</c> attribute (see
    /// <see cref="GateActivationNames"/>): the same list in every direction, and for LSTM one function for g and h,
    /// as Keras's <c>activation</c> is both.
    /// </summary>
    private static (Activation Activation, Activation Recurrent) CellActivation(NodeView node, CellKind cell, int directions)
    {
        var names = node.Strings("activations");
        int perDirection = cell switch { CellKind.Lstm => 3, CellKind.Gru => 2, _ => 1 };
        if (names is null)
        {
            CheckParameters(node, []);
            return (Activation.Tanh, Activation.Sigmoid);
        }
        string listed = string.Join(", ", names);
        if (names.Length != perDirection * directions)
            throw node.Fail($"activations [{listed}] should list {perDirection} per direction ({directions}).");
        var parsed = new Activation[names.Length];
        for (int i = 0; i < names.Length; i++)
            if (!GateActivationNames.TryParse(names[i], out parsed[i]))
                throw node.Fail($"activation '{names[i]}' in [{listed}]: the trainer's cells use Tanh, Sigmoid, Relu, HardSigmoid or Affine (linear).");
        for (int i = perDirection; i < parsed.Length; i++)
            if (parsed[i] != parsed[i % perDirection]) throw node.Fail($"activations [{listed}] differ between directions; the trainer's Bidirectional uses one cell twice.");
        CheckParameters(node, parsed);
        return cell switch
        {
            CellKind.Rnn when parsed[0] is Activation.Tanh or Activation.Relu => (parsed[0], Activation.Sigmoid),
            CellKind.Rnn => throw node.Fail($"activations [{listed}]: the trainer's SimpleRnn uses Tanh or Relu."),
            CellKind.Lstm when parsed[1] != parsed[2] =>
                throw node.Fail($"activations [{listed}] use {names[1]} for the candidate but {names[2]} for the cell output; the trainer's LSTM (Keras's activation) uses one function for both."),
            _ => (parsed[1], parsed[0]),
        };
    }

    /// <summary>
    /// activation_alpha/beta, consumed one each per parameterised function in list order (ONNX Runtime's reading),
    /// must hold the trainer's values; a missing HardSigmoid value is its default (0.2, 0.5, everywhere the same), a
    /// missing Affine one is refused: the spec's default α is 1, ONNX Runtime's 0.
    /// </summary>
    private static void CheckParameters(NodeView node, Activation[] functions)
    {
        var alphas = node.Floats("activation_alpha") ?? [];
        var betas = node.Floats("activation_beta") ?? [];
        int next = 0;
        foreach (var f in functions)
        {
            if (GateActivationNames.Parameters(f) is not var (alpha, beta)) continue;
            string name = GateActivationNames.Name(f);
            if (f == Activation.Linear && (next >= alphas.Length || next >= betas.Length))
                throw node.Fail($"{name} has no activation_alpha/activation_beta: the ONNX spec reads α = 1 there but ONNX Runtime reads 0, so the function is ambiguous.");
            float a = next < alphas.Length ? alphas[next] : alpha, b = next < betas.Length ? betas[next] : beta;
            if (a != alpha || b != beta)
                throw node.Fail($"{name} has activation_alpha {a} and activation_beta {b}; the trainer's {(f == Activation.Linear ? "linear" : "hard_sigmoid")} is α = {alpha}, β = {beta}.");
            next++;
        }
        if (alphas.Length > next || betas.Length > next)
            throw node.Fail($"activation_alpha/activation_beta list {Math.Max(alphas.Length, betas.Length)} value(s), but the activations take {next}.");
    }

    /// <summary>Zeros must still have the shape the operator requires where it is known ([D, batch, H] for states, [D, 3H] for P).</summary>
    private static void CheckZerosShape(NodeView node, string name, SymDim[]? dims, SymDim[] expected)
    {
        if (dims is null) return;
        bool fits = dims.Length == expected.Length && dims.Zip(expected).All(p => p.First.IsUnknown || p.Second.IsUnknown || !p.First.IsKnown || p.First.SameAs(p.Second));
        if (!fits)
            throw node.Fail($"{name} is zeros of shape [{string.Join(", ", dims.Select(d => d.ToString()))}], but it must be [{string.Join(", ", expected.Select(d => d.IsUnknown ? "batch" : d.ToString()))}].");
    }

    private bool SequenceLengths(NodeView node, Value? value)
    {
        string? name = null;
        if (value is not null)
        {
            if (value is not DataValue { IsInput: true, IsInteger: true, Source: { } source })
                throw node.Fail($"sequence_lens is {KindOf(value)}; the importer maps it only as an integer graph input [batch] (one length per row).");
            if (source == _mainInput) throw node.Fail($"sequence_lens is the model's data input '{source}'.");
            name = source;
        }
        bool used = name is not null;
        if (_lengthsUsed is { } before && before != used)
            throw node.Fail("some recurrent nodes take sequence_lens and others do not: the trainer applies one set of lengths to every layer.");
        if (used && _lengthsInput is not null && _lengthsInput != name)
            throw node.Fail($"sequence_lens is '{name}', but an earlier node takes '{_lengthsInput}': the trainer applies one set of lengths to every layer.");
        _lengthsUsed = used;
        _lengthsInput ??= name;
        return used;
    }

    private void InitialState(NodeView node, Value? value, string name, int directions, long hidden)
    {
        SymDim[] expected = [SymDim.Known(directions), SymDim.Unknown, SymDim.Known(hidden)];
        switch (value)
        {
            case null:
                return;
            case ZerosValue z:
                CheckZerosShape(node, name, z.Dims, expected);
                return;
            case ConstValue { Tensor.IsAllZero: true } c:
                CheckZerosShape(node, name, c.Tensor.Dims.Select(SymDim.Known).ToArray(), expected);
                return;
            case DataValue { IsInput: true, IsInteger: false, Source: { } source } when source != _mainInput:
                _stateInputs.Add(source); // a step model's state input: the trainer takes it through Predict(…, initialStates, …)
                return;
            case ConstValue:
                throw node.Fail($"{name} is a non-zero constant: the trainer starts each sequence from zero states (or from states given at prediction time).");
            default:
                throw node.Fail($"{name} is {KindOf(value)}; the importer maps zero initial states or states fed as graph inputs.");
        }
    }
}
