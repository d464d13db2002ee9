using System.Text.Json;
using Google.Protobuf;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx;

/// <summary>What an ONNX model declares: inputs, outputs, operators, opsets, metadata, and its recurrent state pairs.</summary>
public sealed class OnnxModelInfo
{
    private static readonly HashSet<string> Recurrent = ["LSTM", "GRU", "RNN"];
    private static readonly HashSet<string> Plumbing = ["Identity", "Unsqueeze", "Squeeze", "Reshape", "Transpose", "Cast", "Expand"];

    private OnnxModelInfo() { }

    /// <summary>IR version of the file.</summary>
    public long IrVersion { get; private init; }

    /// <summary>Producer name and version, e.g. <c>RnnOnnx 1.0.0</c> or <c>pytorch 1.13</c>.</summary>
    public string Producer { get; private init; } = "";

    /// <summary>Opset per domain ("" is the default ONNX domain).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; private init; } = new Dictionary<string, long>();

    /// <summary>Graph inputs that are not weights (initializers).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; private init; } = [];

    /// <summary>Graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; private init; } = [];

    /// <summary>Operator type → number of nodes.</summary>
    public IReadOnlyDictionary<string, int> Operators { get; private init; } = new Dictionary<string, int>();

    /// <summary>
    /// Recurrent states the caller carries between calls: those found by tracing recurrent nodes (any exporter's
    /// models), then any further pair named by the step-graph contract (<see cref="StepGraph"/>).
    /// </summary>
    public IReadOnlyList<OnnxStatePair> StatePairs { get; private init; } = [];

    /// <summary>The model as the step-graph contract reads it: task, graph kind, config, data inputs/outputs and named state pairs.</summary>
    public StepGraph StepGraph { get; private init; } = null!;

    /// <summary>metadata_props, e.g. <c>rnnonnx.task</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; private init; } = new Dictionary<string, string>();

    /// <summary>Number of weights stored in initializers.</summary>
    public long ParameterCount { get; private init; }

    /// <summary>Reads a model file.</summary>
    /// <exception cref="ModelFileException">The file is missing or is not an ONNX model.</exception>
    public static OnnxModelInfo Read(string path)
    {
        byte[] bytes;
        try { bytes = Serialization.InputFile.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"ONNX model '{path}' cannot be read: {e.Message}", e);
        }
        return Read(bytes, $"'{path}'");
    }

    /// <summary>Reads model bytes; <paramref name="source"/> names them in errors.</summary>
    public static OnnxModelInfo Read(byte[] bytes, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return From(Parse(bytes, source), source);
    }

    internal static ModelProto Parse(byte[] bytes, string source)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFileException($"{source} is not a valid ONNX model: {e.Message}", e);
        }
        if (model.Graph is null || model.IrVersion == 0)
            throw new ModelFileException($"{source} is not an ONNX model (no graph or no IR version).");
        return model;
    }

    internal static OnnxModelInfo From(ModelProto model, string source = "ONNX model")
    {
        var graph = model.Graph;
        var weights = graph.Initializer.Select(t => t.Name).ToHashSet();
        var inputs = graph.Input.Where(i => !weights.Contains(i.Name)).Select(Describe).ToList();
        var outputs = graph.Output.Select(Describe).ToList();
        var metadata = model.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var contract = StepGraph.Describe(inputs, outputs, metadata);
        var pairs = FindStatePairs(graph, weights);
        // A pair the contract names but tracing missed (state plumbing the tracer does not follow) still counts.
        var traced = pairs.Select(p => p.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var state in contract.States.Where(s => !traced.Contains(s.InputName)))
            pairs.Add(new OnnxStatePair(state.InputName, state.OutputName, "", state.Kind == StateKind.Cell ? "c" : "h"));
        return new OnnxModelInfo
        {
            IrVersion = model.IrVersion,
            Producer = $"{model.ProducerName} {model.ProducerVersion}".Trim(),
            Opsets = model.OpsetImport.GroupBy(o => o.Domain).ToDictionary(g => g.Key, g => g.Max(o => o.Version)),
            Inputs = inputs,
            Outputs = outputs,
            Operators = graph.Node.GroupBy(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}")
                                  .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            StatePairs = pairs,
            StepGraph = contract,
            Metadata = metadata,
            ParameterCount = CountParameters(graph, source),
        };
    }

    /// <summary>The initializers' element count, in checked arithmetic: dims whose product overflows are a corrupt file, not "0 weights".</summary>
    private static long CountParameters(GraphProto graph, string source)
    {
        long total = 0;
        foreach (var tensor in graph.Initializer)
        {
            try
            {
                long count = 1;
                foreach (long d in tensor.Dims)
                {
                    if (d < 0) throw new ModelFileException($"{source}: initializer '{tensor.Name}' declares a negative dimension {d}: the file is corrupt.");
                    count = checked(count * d);
                }
                total = checked(total + count);
            }
            catch (OverflowException e)
            {
                throw new ModelFileException($"{source}: initializer '{tensor.Name}' declares dims [{string.Join(", ", tensor.Dims)}], whose element count overflows a 64-bit integer: the file is corrupt.", e);
            }
        }
        return total;
    }

    private static OnnxValueInfo Describe(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        string type = tensor is null ? "?" : ElementTypeName(tensor.ElemType);
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        }).ToList() ?? [];
        return new OnnxValueInfo(value.Name, type, dims);
    }

    internal static string ElementTypeName(int type) => type switch
    {
        (int)TensorProto.Types.DataType.Float => "float",
        (int)TensorProto.Types.DataType.Double => "double",
        (int)TensorProto.Types.DataType.Int64 => "int64",
        (int)TensorProto.Types.DataType.Int32 => "int32",
        (int)TensorProto.Types.DataType.Float16 => "float16",
        (int)TensorProto.Types.DataType.Bool => "bool",
        (int)TensorProto.Types.DataType.String => "string",
        (int)TensorProto.Types.DataType.Uint8 => "uint8",
        (int)TensorProto.Types.DataType.Int8 => "int8",
        _ => $"type{type}",
    };

    /// <summary>
    /// Follows each recurrent node's initial_h / initial_c inputs (slots 5 and 6) back through shape-only nodes to a
    /// graph input, and its Y_h / Y_c outputs (1 and 2) forward to a graph output.
    /// </summary>
    private static List<OnnxStatePair> FindStatePairs(GraphProto graph, HashSet<string> weights)
    {
        var producer = new Dictionary<string, NodeProto>();
        var consumers = new Dictionary<string, List<NodeProto>>();
        foreach (var node in graph.Node)
        {
            foreach (var o in node.Output) producer[o] = node;
            foreach (var i in node.Input)
            {
                if (!consumers.TryGetValue(i, out var list)) consumers[i] = list = [];
                list.Add(node);
            }
        }
        var inputs = graph.Input.Select(i => i.Name).Where(n => !weights.Contains(n)).ToHashSet();
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        var pairs = new List<OnnxStatePair>();
        foreach (var node in graph.Node.Where(n => Recurrent.Contains(n.OpType)))
        {
            string[] kinds = node.OpType == "LSTM" ? ["h", "c"] : ["h"];
            for (int s = 0; s < kinds.Length; s++)
            {
                if (node.Input.Count <= 5 + s || node.Output.Count <= 1 + s) continue;
                string? input = TraceBack(node.Input[5 + s], producer, inputs);
                string? output = TraceForward(node.Output[1 + s], consumers, outputs, 0);
                if (input is not null && output is not null) pairs.Add(new OnnxStatePair(input, output, node.Name, kinds[s]));
            }
        }
        return pairs;
    }

    private static string? TraceBack(string value, Dictionary<string, NodeProto> producer, HashSet<string> inputs)
    {
        for (int hops = 0; value.Length > 0 && hops < 16; hops++)
        {
            if (inputs.Contains(value)) return value;
            if (!producer.TryGetValue(value, out var node) || !Plumbing.Contains(node.OpType) || node.Input.Count == 0) return null;
            value = node.Input[0];
        }
        return null;
    }

    /// <summary>First graph output reachable through shape-only nodes, consumers taken in node order.</summary>
    private static string? TraceForward(string value, Dictionary<string, List<NodeProto>> consumers, HashSet<string> outputs, int depth)
    {
        if (outputs.Contains(value)) return value;
        if (depth >= 16 || !consumers.TryGetValue(value, out var next)) return null;
        foreach (var node in next)
            if (Plumbing.Contains(node.OpType) && node.Input.Count > 0 && node.Input[0] == value && node.Output.Count > 0
                && TraceForward(node.Output[0], consumers, outputs, depth + 1) is { } found)
                return found;
        return null;
    }

    /// <summary>Everything above as indented JSON (what <c>rnnonnx inspect --json</c> prints).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        ir_version = IrVersion,
        producer = Producer,
        opsets = Opsets,
        inputs = Inputs.Select(v => new { name = v.Name, type = v.ElementType, shape = v.Dimensions }),
        outputs = Outputs.Select(v => new { name = v.Name, type = v.ElementType, shape = v.Dimensions }),
        operators = Operators,
        state_pairs = StatePairs.Select(p => new { input = p.Input, output = p.Output, node = p.Node, kind = p.Kind }),
        parameters = ParameterCount,
        metadata = Metadata,
    }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
