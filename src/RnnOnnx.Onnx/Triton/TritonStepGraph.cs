using System.Globalization;
using System.Text.Json;
using RnnOnnx.Onnx.Export;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx.Triton;

/// <summary>One recurrent state of a Triton step graph: its Triton names and the names it had in our step graph.</summary>
/// <param name="Input">Graph input Triton feeds the state into, e.g. <c>state_in_00_h</c>.</param>
/// <param name="Output">Graph output Triton reads the next state from, e.g. <c>state_out_00_h</c>.</param>
/// <param name="OriginalInput">The state input of our step graph, e.g. <c>h_in_0</c>.</param>
/// <param name="OriginalOutput">The state output of our step graph, e.g. <c>h_out_0</c>.</param>
internal sealed record TritonState(string Input, string Output, string OriginalInput, string OriginalOutput);

/// <summary>
/// Rewrites one of our step graphs (explicit state <c>h_in_k</c>/<c>c_in_k</c> → <c>h_out_k</c>/<c>c_out_k</c>, batch
/// first) into the graph Triton's sequence batcher drives with implicit state:
/// <list type="bullet">
/// <item>states renamed <c>state_in_KK_X</c> / <c>state_out_KK_X</c> (KK = recurrent layer, X = h or c): a common
/// prefix on both sides, so sorting states by input name and by output name gives the same order — Triton pairs the
/// k-th sorted output with the k-th sorted input (triton-inference-server/server#8586);</item>
/// <item>a <c>START</c> control input, float [batch, 1]: where it is 1 (above 0.5) the row's state is replaced by zeros
/// inside the graph (<c>Where(Greater(START, 0.5), 0, state_in)</c>), so a new sequence starts from the state our
/// engines start from whatever Triton put in the state tensor;</item>
/// <item>everything else — data inputs, outputs, weights, metadata — unchanged; the renaming is recorded as metadata
/// <c>rnnonnx.triton</c>.</item>
/// </list>
/// The old state names stay as internal values, so no node of the original graph changes.
/// </summary>
internal static class TritonStepGraph
{
    /// <summary>Name of the START control input.</summary>
    public const string Start = "START";

    /// <summary>Metadata key recording the control and state names.</summary>
    public const string MetadataKey = "rnnonnx.triton";

    private const string Half = "rnnonnx_triton/half";
    private const string Zero = "rnnonnx_triton/zero";
    private const string Flag = "rnnonnx_triton/start_flag";

    /// <summary>A new model with the Triton-shaped step graph (the argument is not changed).</summary>
    /// <exception cref="ModelFileException">The graph's states do not fit Triton (not float, batch not first, names taken).</exception>
    public static (ModelProto Model, IReadOnlyList<TritonState> States) Rewrite(ModelProto original, OnnxModelInfo info)
    {
        var model = original.Clone();
        var graph = model.Graph;
        var states = Plan(info);
        if (states.Count == 0) throw new ModelFileException("The model has no recurrent state inputs and outputs: it is not a step graph.");
        if (states.Select(s => s.Input).Distinct(StringComparer.Ordinal).Count() != states.Count)
            throw new ModelFileException("Two recurrent states of the model share a kind and a layer; their Triton names would collide.");

        var taken = graph.Input.Select(v => v.Name).Concat(graph.Output.Select(v => v.Name)).Concat(graph.Node.SelectMany(n => n.Output))
            .Concat(graph.Initializer.Select(t => t.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (string name in states.SelectMany(s => new[] { s.Input, s.Output }).Append(Start).Append(Half).Append(Zero).Append(Flag))
            if (taken.Contains(name)) throw new ModelFileException($"The model already has a value named '{name}', which the Triton step graph needs.");

        string batch = "batch";
        var prelude = new List<NodeProto>();
        foreach (var state in states)
        {
            int index = IndexOf(graph.Input, state.OriginalInput);
            var input = graph.Input[index];
            var tensor = input.Type?.TensorType;
            if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
                throw new ModelFileException($"State input '{state.OriginalInput}' is not a float tensor.");
            var dims = tensor.Shape?.Dim;
            if (dims is null || dims.Count < 2 || dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
                throw new ModelFileException($"State input '{state.OriginalInput}' must be [batch, ...] with a dynamic batch first: Triton stacks and splits states along dimension 0.");
            if (dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam) batch = dims[0].DimParam;
            if (dims.Skip(1).Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue))
                throw new ModelFileException($"State input '{state.OriginalInput}' has a dynamic dimension after the batch; Triton's initial state needs fixed sizes.");

            var renamed = input.Clone();
            renamed.Name = state.Input;
            graph.Input[index] = renamed;
            prelude.Add(Node("Where", $"rnnonnx_triton/reset_{state.Input}", [Flag, Zero, state.Input], state.OriginalInput));

            int outIndex = IndexOf(graph.Output, state.OriginalOutput);
            var output = graph.Output[outIndex].Clone();
            output.Name = state.Output;
            graph.Output[outIndex] = output;
            graph.Node.Add(Node("Identity", $"rnnonnx_triton/{state.Output}", [state.OriginalOutput], state.Output));
        }

        graph.Input.Add(GraphBuilder.Value(Start, TensorProto.Types.DataType.Float, batch, 1));
        graph.Initializer.Add(Scalar(Half, 0.5f));
        graph.Initializer.Add(Scalar(Zero, 0f));
        prelude.Insert(0, Node("Greater", "rnnonnx_triton/start", [Start, Half], Flag));
        for (int i = prelude.Count - 1; i >= 0; i--) graph.Node.Insert(0, prelude[i]);

        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = MetadataKey,
            Value = JsonSerializer.Serialize(new
            {
                start = Start,
                states = states.Select(s => new { input = s.Input, output = s.Output, original_input = s.OriginalInput, original_output = s.OriginalOutput }),
            }),
        });
        return (model, states);
    }

    /// <summary>
    /// The states and their Triton names: the step-graph contract's pairs (layer k and kind from <c>{h|c}_in_k</c>);
    /// for a step graph of another exporter, the pairs traced from its recurrent nodes, numbered by node.
    /// </summary>
    public static List<TritonState> Plan(OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.StepGraph.States.Count > 0)
            return info.StepGraph.States.Select(s => Named(s.Layer, s.Kind == StateKind.Cell ? "c" : "h", s.InputName, s.OutputName)).ToList();
        var layers = info.StatePairs.Select(p => p.Node).Distinct(StringComparer.Ordinal).ToList();
        return info.StatePairs.Select(p => Named(layers.IndexOf(p.Node), p.Kind, p.Input, p.Output)).ToList();
    }

    private static TritonState Named(int layer, string kind, string input, string output)
    {
        string suffix = string.Create(CultureInfo.InvariantCulture, $"{layer:00}_{kind}");
        return new TritonState($"state_in_{suffix}", $"state_out_{suffix}", input, output);
    }

    private static int IndexOf(Google.Protobuf.Collections.RepeatedField<ValueInfoProto> values, string name)
    {
        for (int i = 0; i < values.Count; i++)
            if (values[i].Name == name) return i;
        throw new ModelFileException($"The step graph has no graph value '{name}'.");
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static TensorProto Scalar(string name, float value)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.FloatData.Add(value);
        return t;
    }
}
