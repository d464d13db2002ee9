using Google.Protobuf;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx.Export;

/// <summary>Accumulates nodes, initializers, inputs and outputs of one ONNX graph with unique value names.</summary>
internal sealed class GraphBuilder
{
    private int _counter;
    private readonly HashSet<string> _nodeNames = [];
    public GraphProto Graph { get; } = new() { Name = "rnnonnx" };

    public string Fresh(string hint) => $"{hint}_{++_counter}";

    public string Node(string opType, string name, IEnumerable<string> inputs, int outputs = 1, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueNodeName(name, opType) };
        node.Input.AddRange(inputs);
        for (int i = 0; i < outputs; i++) node.Output.Add(Fresh(name + "/" + opType.ToLowerInvariant()));
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>Adds a node whose outputs are given (graph outputs or several named results).</summary>
    public NodeProto NodeWithOutputs(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueNodeName(name, opType) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>"layer/Op", numbered when a layer has several nodes of one type (ONNX requires unique node names).</summary>
    private string UniqueNodeName(string layer, string opType)
    {
        string name = $"{layer}/{opType}";
        for (int i = 2; !_nodeNames.Add(name); i++) name = $"{layer}/{opType}_{i}";
        return name;
    }

    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Fresh(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Fresh(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Input.Add(Value(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Output.Add(Value(name, type, dims));

    /// <summary>A typed value; each dimension is a fixed size (int) or a symbolic name (string).</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }
}
