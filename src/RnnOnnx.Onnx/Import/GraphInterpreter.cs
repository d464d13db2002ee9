using RnnOnnx.Layers;
using RnnOnnx.Onnx.Proto;
using DataType = RnnOnnx.Onnx.Proto.TensorProto.Types.DataType;

namespace RnnOnnx.Onnx.Import;

/// <summary>
/// Walks the nodes a graph's outputs depend on, in order, and interprets each one abstractly: constants are folded,
/// run-time shapes are followed symbolically, and the data flowing from the input is tracked axis by axis
/// (<see cref="DataValue"/>). Layer nodes (LSTM/GRU/RNN, MatMul/Gemm (+Add), Gather on a table, activations after a
/// dense) append to a <see cref="LayerPlan"/>; plumbing (Transpose, Squeeze, Reshape, Shape, Slice, Concat, …) only
/// moves axes. Anything else, or plumbing that would change what the trainer computes, fails naming the node.
/// </summary>
internal sealed partial class GraphInterpreter
{
    private readonly GraphProto _graph;
    private readonly long _opset;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> _inputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stateInputs = new(StringComparer.Ordinal);
    private readonly LayerPlan _plan = new();
    private readonly ConstFolder _fold = new();

    private bool? _axis0IsTime;
    private string? _bindingNode;
    private string? _mainInput;
    private bool _mainInputIsIds, _mainInputIsSequence;
    private long _mainInputWidth = -1;
    private string? _lengthsInput;
    private bool? _lengthsUsed;

    public GraphInterpreter(GraphProto graph, long opset)
    {
        _graph = graph;
        _opset = opset;
    }

    public ImportPlan Run()
    {
        foreach (var tensor in _graph.Initializer)
            if (!string.IsNullOrEmpty(tensor.Name)) _initializers.TryAdd(tensor.Name, tensor);
        foreach (var input in _graph.Input)
            if (!string.IsNullOrEmpty(input.Name) && !_initializers.ContainsKey(input.Name)) _inputs.TryAdd(input.Name, input);
        if (_graph.Output.Count == 0) throw new UnsupportedOnnxModelException(null, null, "the graph has no outputs.");

        var nodes = _graph.Node.Select((n, i) => new NodeView(n, i)).ToArray();
        var needed = Needed(nodes);
        for (int i = 0; i < nodes.Length; i++)
            if (needed[i]) Process(nodes[i]);
        return Finish();
    }

    /// <summary>Marks the nodes the graph outputs depend on (dead nodes are ignored, whatever they are).</summary>
    private bool[] Needed(NodeView[] nodes)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Length; i++)
            foreach (var output in nodes[i].Proto.Output)
            {
                if (output.Length == 0) continue;
                if (producer.ContainsKey(output) || _inputs.ContainsKey(output) || _initializers.ContainsKey(output))
                    throw nodes[i].Fail($"its output '{output}' is already defined by another node, an initializer or a graph input: ONNX values are assigned once.");
                producer[output] = i;
            }
        var needed = new bool[nodes.Length];
        var pending = new Stack<string>();
        foreach (var output in _graph.Output)
        {
            if (!producer.ContainsKey(output.Name) && !_inputs.ContainsKey(output.Name) && !_initializers.ContainsKey(output.Name))
                throw NodeView.ForGraphOutput(output.Name).Fail("no node, initializer or graph input defines it.");
            pending.Push(output.Name);
        }
        while (pending.Count > 0)
            if (producer.TryGetValue(pending.Pop(), out int i) && !needed[i])
            {
                needed[i] = true;
                foreach (var input in nodes[i].Proto.Input)
                    if (input.Length > 0) pending.Push(input);
            }
        return needed;
    }

    private void Process(NodeView node)
    {
        string domain = node.Proto.Domain;
        if (domain.Length > 0 && domain != "ai.onnx")
            throw node.Fail($"operator domain '{domain}' is not the standard ONNX domain; the importer maps standard operators only.");
        switch (node.OpType)
        {
            case "Constant": Set(node, 0, new ConstValue(ConstantOf(node))); break;
            case "Identity": Set(node, 0, Need(node, 0)); break;
            case "Dropout": Dropout(node); break;
            case "Cast": Cast(node); break;
            case "Shape": Shape(node); break;
            case "Size": Size(node); break;
            case "Gather": Gather(node); break;
            case "Slice": Slice(node); break;
            case "Squeeze": Squeeze(node); break;
            case "Unsqueeze": Unsqueeze(node); break;
            case "Concat": Concat(node); break;
            case "Transpose": Transpose(node); break;
            case "Reshape": Reshape(node); break;
            case "Flatten": Flatten(node); break;
            case "Expand": Expand(node); break;
            case "ConstantOfShape": ConstantOfShape(node); break;
            case "Add" or "Sub" or "Mul" or "Div": Arithmetic(node); break;
            case "MatMul": MatMul(node); break;
            case "Gemm": Gemm(node); break;
            case "Relu" or "Tanh" or "Sigmoid" or "Softmax": ActivationNode(node); break;
            case "LSTM" or "GRU" or "RNN": Recurrent(node); break;
            default:
                throw node.Fail($"operator '{node.OpType}' is not supported: it is neither a layer the trainer has (LSTM, GRU, RNN, " +
                    "MatMul/Gemm with a bias Add, Gather on an embedding table, Relu/Tanh/Sigmoid/Softmax after a dense layer) nor plumbing the importer follows.");
        }
        for (int k = 0; k < node.Proto.Output.Count; k++)
        {
            string name = node.Proto.Output[k];
            if (name.Length > 0 && !_values.ContainsKey(name))
                _values[name] = new OpaqueValue($"it uses output {k} ('{name}') of node '{node.DisplayName}' ({node.OpType}), which the importer does not map.");
        }
    }

    private void Set(NodeView node, int output, Value value)
    {
        if (output < node.Proto.Output.Count && node.Proto.Output[output].Length > 0) _values[node.Proto.Output[output]] = value;
    }

    /// <summary>Input i of the node, or null when absent; fails on values the importer could not follow.</summary>
    private Value? Get(NodeView node, int i)
    {
        string name = node.InputName(i);
        if (name.Length == 0) return null;
        var value = Lookup(name, node);
        if (value is null) throw node.Fail($"input '{name}' is used before any node defines it (ONNX nodes must be in topological order).");
        if (value is OpaqueValue opaque) throw node.Fail(opaque.Reason);
        return value;
    }

    private Value Need(NodeView node, int i) => Get(node, i) ?? throw node.Fail($"input {i} is missing.");

    private Value? Lookup(string name, NodeView user)
    {
        if (_values.TryGetValue(name, out var value)) return value;
        if (_initializers.TryGetValue(name, out var tensor)) value = new ConstValue(TensorReader.Read(tensor, user));
        else if (_inputs.TryGetValue(name, out var info)) value = GraphInput(name, info);
        else return null;
        _values[name] = value;
        return value;
    }

    /// <summary>A graph input as data: [d0, d1, features] floats, [d0, d1] integer ids, [d0, features], or [d0] (lengths).</summary>
    private static DataValue GraphInput(string name, ValueInfoProto info)
    {
        var tensor = info.Type?.TensorType;
        if (tensor?.Shape is null) return DataValue.Opaque(name, false);
        var type = (DataType)tensor.ElemType;
        bool isInteger = type is DataType.Int64 or DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.Uint8 or DataType.Uint16 or DataType.Uint32 or DataType.Uint64;
        if (!isInteger && type != DataType.Float) return DataValue.Opaque(name, false);
        var dims = tensor.Shape.Dim;
        long last = dims.Count > 0 && dims[^1].HasDimValue && dims[^1].DimValue > 0 ? dims[^1].DimValue : -1;
        Entry[] entries = [new Entry(-1, 0, 0, EntryKind.Input, name)];
        Atom[][]? axes = (dims.Count, isInteger) switch
        {
            (1, _) => [[Atom.Axis0]],
            (2, false) => [[Atom.Axis0], [Atom.Features(last)]],
            (2, true) => [[Atom.Axis0], [Atom.Axis1]],
            (3, _) => [[Atom.Axis0], [Atom.Axis1], [Atom.Features(last)]],
            _ => null,
        };
        return axes is null ? DataValue.Opaque(name, isInteger) : new DataValue(axes, entries, name, isInteger);
    }

    // ---- the axes of the model input: which of d0, d1 is time -------------------------------------------------

    private bool? IsTime(Atom atom) => _axis0IsTime is { } a0 ? (atom.Kind == AtomKind.Axis0) == a0 : null;

    private void BindTime(NodeView node, Atom time)
    {
        bool axis0 = time.Kind == AtomKind.Axis0;
        if (_axis0IsTime is null) { _axis0IsTime = axis0; _bindingNode = node.DisplayName; return; }
        if (_axis0IsTime != axis0)
            throw node.Fail($"it reads axis {(axis0 ? 0 : 1)} of the model input as time, but node '{_bindingNode}' read it as batch.");
    }

    private string Describe(Atom atom, DataValue value) => atom.Kind switch
    {
        AtomKind.Axis0 or AtomKind.Axis1 => IsTime(atom) switch { true => "time", false => "batch", _ => atom.Kind == AtomKind.Axis0 ? "input.dim0" : "input.dim1" },
        AtomKind.Directions => $"directions({value.Entries.Length})",
        _ => atom.Width < 0 ? "features" : $"features({atom.Width})",
    };

    private string Describe(DataValue value) => "[" + string.Join(", ", Enumerable.Range(0, value.Rank).Select(j => DescribeAxis(value, j))) + "]";

    private string DescribeAxis(DataValue value, int j) => value.Axes[j].Length == 0 ? "1" : string.Join("·", value.Axes[j].Select(a => Describe(a, value)));

    // ---- reading the chain's current output -----------------------------------------------------------------

    /// <summary>
    /// Reads <paramref name="value"/> as the input of a new layer: it must be the current end of the chain, with its
    /// features (directions merged before units) on the last axis. Decides ReturnSequences of a recurrent head.
    /// </summary>
    private (bool Sequence, long Width) TakeLayerInput(NodeView node, DataValue value, string role)
    {
        CheckData(node, value, role);
        if (value.IsInteger) throw node.Fail($"{role} is the integer input '{value.Source}': only an embedding (Gather on a table) reads token ids.");
        if (value.Rank < 2) throw node.Fail($"{role} has rank {value.Rank}: a layer reads [batch, features] or [batch, time, features].");
        var last = value.Axes[^1].Where(a => !(a.Kind == AtomKind.Directions && value.Entries.Length == 1)).ToArray();
        bool features = last is [{ Kind: AtomKind.Features }] || (last is [{ Kind: AtomKind.Directions }, { Kind: AtomKind.Features }] && value.Entries.Length > 1);
        if (!features)
            throw node.Fail($"{role} is {Describe(value)}: the importer maps layers that read the features on the last axis (with directions merged before the units, as Transpose+Reshape of a recurrent Y make them).");
        var sequenceAtoms = new List<Atom>();
        foreach (var axis in value.Axes[..^1])
            foreach (var atom in axis)
            {
                if (atom.IsSequenceAxis) sequenceAtoms.Add(atom);
                else if (!value.IsSizeOne(atom))
                    throw node.Fail($"{role} is {Describe(value)}: {Describe(atom, value)} must be part of the last axis.");
            }
        bool sequence = sequenceAtoms.Count == 2 && sequenceAtoms[0].Kind != sequenceAtoms[1].Kind;
        if (!sequence && sequenceAtoms.Count != 1) throw node.Fail($"{role} is {Describe(value)}: expected batch (and time) axes before the features.");
        if (!sequence)
        {
            if (value.IsInput) BindTime(node, sequenceAtoms[0].Kind == AtomKind.Axis0 ? Atom.Axis1 : Atom.Axis0);
            else if (IsTime(sequenceAtoms[0]) != false) throw node.Fail($"{role} is {Describe(value)}: it has a time axis but no batch axis.");
        }
        var featureAtom = last[^1];
        long width = featureAtom.Width < 0 ? -1 : featureAtom.Width * (last.Length == 2 ? value.Entries.Length : 1);
        Resolve(node, value, sequence, role);
        return (sequence, width);
    }

    private static void CheckData(NodeView node, DataValue value, string role)
    {
        if (!value.IsOpaque) return;
        if (value.OpaqueReason is { } reason)
            throw node.Fail($"{role} comes from the graph input '{value.Source}' through plumbing that is not a trainer layer's input: {reason}");
        throw node.Fail($"{role} is the graph input '{value.Source}', whose type or rank the importer cannot read as data (it reads float [batch, time, features] or [batch, features], or integer token ids [batch, time]).");
    }

    /// <summary>
    /// Plumbing on data. On a graph input whose role is not known yet, a view the importer cannot follow as data
    /// becomes opaque instead of failing: it may still be a state input (PyTorch's h0 [layers·directions, batch, H],
    /// sliced per layer); used as data it fails, quoting why.
    /// </summary>
    private static DataValue Follow(DataValue d, Func<DataValue> plumbing)
    {
        if (!d.IsInput || d.Source is null) return plumbing();
        try
        {
            return plumbing();
        }
        catch (UnsupportedOnnxModelException e)
        {
            return DataValue.Opaque(d.Source, d.IsInteger, e.Message);
        }
    }

    /// <summary>Checks that the entries are the head's whole current output and records what reading it means.</summary>
    private void Resolve(NodeView node, DataValue value, bool sequence, string role)
    {
        var entries = value.Entries;
        if (value.IsInput)
        {
            TakeInput(node, value, role);
            _mainInputIsSequence = sequence;
            return;
        }
        int head = _plan.Head;
        var spec = _plan.HeadLayer!;
        foreach (var e in entries)
        {
            if (e.Stage == -1) throw node.Fail($"{role} mixes the graph input with layer outputs.");
            if (e.Stage != head)
                throw node.Fail($"{role} comes from {_plan.Layers[e.Stage].Describe()}, but {spec.Describe()} follows it: the trainer holds one chain of layers, each reading the previous one's output (no branches or skip connections).");
            if (e.Version != _plan.HeadVersion)
                throw node.Fail($"{role} is the output of {spec.Describe()} before its bias or activation (applied by a later node): the graph branches, which the trainer's chain of layers cannot represent.");
        }
        var kind = entries[0].Kind;
        if (entries.Any(e => e.Kind != kind)) throw node.Fail($"{role} mixes per-step outputs and final states of {spec.Describe()}.");
        if (spec is RecurrentSpec r)
        {
            bool allDirections = entries.Length == r.Directions && entries.Select((e, i) => e.Direction == i).All(ok => ok);
            if (!allDirections)
                throw node.Fail($"{role} holds direction(s) [{string.Join(", ", entries.Select(e => e.Direction == 0 ? "forward" : "backward"))}] of {r.Describe()}; " +
                    $"the trainer passes on all {r.Directions} direction(s), forward first.");
            switch (kind)
            {
                case EntryKind.Output when sequence:
                    r.ReturnSequences = true;
                    break;
                case EntryKind.Final when !sequence:
                    r.ReturnSequences = false;
                    break;
                case EntryKind.LastStep when !sequence:
                    if (r.Directions == 2)
                        throw node.Fail($"{role} is the last time step of the bidirectional {r.Describe()} (taken by node '{entries[0].Node}'): there the backward direction has seen one step only, " +
                            "while the trainer's Bidirectional(returnSequences: false) gives the backward state after the whole sequence. Use the final states instead (Y_h; in PyTorch h_n[-2], h_n[-1]).");
                    if (r.UsesLengths)
                        throw node.Fail($"{role} is the last time step of {r.Describe()} (taken by node '{entries[0].Node}'), but the batch is padded (sequence_lens): the last step is not each row's last real step. Use Y_h instead.");
                    r.ReturnSequences = false;
                    break;
                case EntryKind.Cell:
                    throw node.Fail($"{role} is the cell state c of {r.Describe()}: the trainer passes on the hidden state h only.");
                default:
                    throw node.Fail($"{role} is {Describe(value)}, which does not match the {kind} of {r.Describe()}.");
            }
            return;
        }
        if (kind == EntryKind.LastStep)
            throw node.Fail($"{role} is one time step (taken by node '{entries[0].Node}') of the output of {spec.Describe()}, which applies to every step: the trainer can keep only the last step right after a recurrent layer.");
        if (kind != EntryKind.Output || entries.Length != 1 || sequence != spec.OutputIsSequence)
            throw node.Fail($"{role} is {Describe(value)}, which is not the output of {spec.Describe()}.");
    }

    private void TakeInput(NodeView node, DataValue value, string role)
    {
        string source = value.Source ?? throw node.Fail($"{role} is not the model input.");
        if (_stateInputs.Contains(source)) throw node.Fail($"{role} is the graph input '{source}', which also feeds a recurrent state.");
        if (_plan.Layers.Count > 0)
            throw node.Fail(_mainInput == source
                ? $"{role} reads the graph input '{source}' again after {_plan.Layers[0].Describe()}: the trainer holds one chain of layers (no skip connections)."
                : $"{role} is a second data input '{source}' (the first is '{_mainInput}'): the trainer's models have one input.");
        _mainInput = source;
    }

    /// <summary>Token ids [batch, time] (either order) from an integer graph input, read by an embedding.</summary>
    private void TakeIds(NodeView node, DataValue ids)
    {
        CheckData(node, ids, "the token ids");
        if (!ids.IsInput || !ids.IsInteger) throw node.Fail("the indices of a Gather on a float table must be the graph's integer token-id input (an embedding layer).");
        var atoms = ids.Stream.Where(a => !ids.IsSizeOne(a)).ToArray();
        if (atoms is not [{ IsSequenceAxis: true }, { IsSequenceAxis: true }] || atoms[0].Kind == atoms[1].Kind)
            throw node.Fail($"the token ids are {Describe(ids)}; an embedding reads [batch, time] ids.");
        TakeInput(node, ids, "the token ids");
        _mainInputIsIds = true;
        _mainInputIsSequence = true;
    }

    private void CheckWidth(NodeView node, DataValue x, long width, long expected, string weight)
    {
        if (width < 0 && x.IsInput) { _mainInputWidth = expected; return; }
        if (x.IsInput) _mainInputWidth = width;
        if (width != expected)
            throw node.Fail($"the input has {width} features, but {weight} expects {expected}.");
    }

    // ---- graph outputs ------------------------------------------------------------------------------------

    private ImportPlan Finish()
    {
        var values = _graph.Output.Select(o => (o.Name, Value: Lookup(o.Name, NodeView.ForGraphOutput(o.Name)))).ToArray();
        bool IsHead(Value? v) => v is DataValue d && !d.IsOpaque && !d.IsInput && d.Entries.All(e => e.Stage == _plan.Head && e.Version == _plan.HeadVersion);
        bool IsState(Value? v) => v is DataValue d && !d.IsOpaque && !d.IsInput && d.Entries.All(e => e.Kind is EntryKind.Final or EntryKind.Cell);
        int main = Array.FindIndex(values, o => IsHead(o.Value) && !IsState(o.Value));
        if (main < 0) main = Array.FindIndex(values, o => IsHead(o.Value));
        if (main < 0)
        {
            var (name, value) = values[0];
            throw NodeView.ForGraphOutput(name).Fail(value switch
            {
                OpaqueValue opaque => opaque.Reason,
                DataValue { IsInput: true } => "it is a graph input passed through: no layer computes it.",
                DataValue when _plan.Layers.Count > 0 => $"it is not the output of the last layer found ({_plan.HeadLayer!.Describe()}).",
                _ => "it is not computed from the model input by layers the importer recognises.",
            });
        }
        for (int i = 0; i < values.Length; i++)
            if (i != main && !IsState(values[i].Value))
                throw NodeView.ForGraphOutput(values[i].Name).Fail(values[i].Value is OpaqueValue opaque ? opaque.Reason
                    : $"besides the model output '{values[main].Name}', only recurrent states may be graph outputs: the trainer's models have one output.");

        var where = NodeView.ForGraphOutput(values[main].Name);
        var output = (DataValue)values[main].Value!;
        bool outputTimeMajor = CheckOutputLayout(where, output);
        foreach (var layer in _plan.Layers.OfType<RecurrentSpec>())
            if (layer.ReturnSequences is null)
                throw new UnsupportedOnnxModelException(layer.Node, "recurrent", "no later node reads its output.");
        if (_mainInput is null) throw new UnsupportedOnnxModelException(null, null, "no layer reads a graph input.");
        _axis0IsTime ??= false;
        var inputShape = _mainInputIsIds ? new LayerShape(true, 1) : new LayerShape(_mainInputIsSequence, checked((int)_mainInputWidth));
        return new ImportPlan(_plan, inputShape, _mainInput, _mainInputIsSequence && _axis0IsTime == true, values[main].Name, outputTimeMajor,
            _lengthsUsed == true ? _lengthsInput : null);
    }

    /// <summary>The output's data order must be the trainer's ([batch, time, features], time and batch possibly swapped); returns whether time comes first.</summary>
    private bool CheckOutputLayout(NodeView where, DataValue output)
    {
        var atoms = output.Stream.Where(a => !output.IsSizeOne(a)).ToArray();
        int s = 0;
        while (s < atoms.Length && atoms[s].IsSequenceAxis) s++;
        var tail = atoms[s..];
        bool tailOk = tail.Length == 0 || tail is [{ Kind: AtomKind.Features }] || tail is [{ Kind: AtomKind.Directions }] || tail is [{ Kind: AtomKind.Directions }, { Kind: AtomKind.Features }];
        bool sequence = s == 2 && atoms[0].Kind != atoms[1].Kind;
        if (!tailOk || (s != 1 && !sequence))
            throw where.Fail($"it is {Describe(output)}: the importer maps outputs laid out as [batch, (time,) features] (time and batch may be swapped) with directions merged before the units.");
        Resolve(where, output, sequence, "the graph output");
        if (!sequence && IsTime(atoms[0]) == true) throw where.Fail($"it is {Describe(output)}: it has a time axis but no batch axis.");
        return sequence && IsTime(atoms[0]) == true;
    }
}
