using Google.Protobuf;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx.Tests.Import;

/// <summary>Small edits of exported models through the generated protobuf classes (never by hand-writing the wire format).</summary>
internal static class ProtoEdits
{
    public static ModelProto Exported(string name, OnnxExportOptions? options = null) =>
        ModelProto.Parser.ParseFrom(OnnxExporter.Export(ExportParityTests.Model(name), options));

    public static byte[] Bytes(this ModelProto model) => model.ToByteArray();

    public static NodeProto Node(this ModelProto model, string opType) => model.Graph.Node.First(n => n.OpType == opType);

    public static TensorProto Initializer(this ModelProto model, string prefix) =>
        model.Graph.Initializer.First(t => t.Name.StartsWith(prefix, StringComparison.Ordinal));

    public static void SetAttribute(this NodeProto node, AttributeProto attribute)
    {
        var old = node.Attribute.FirstOrDefault(a => a.Name == attribute.Name);
        if (old is not null) node.Attribute.Remove(old);
        node.Attribute.Add(attribute);
    }

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A float tensor of the given dims (values 0.1, 0.2, …) under an existing initializer's name.</summary>
    public static void Replace(this ModelProto model, TensorProto old, params long[] dims)
    {
        var tensor = new TensorProto { Name = old.Name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        long count = dims.Aggregate(1L, (p, d) => p * d);
        tensor.FloatData.AddRange(Enumerable.Range(1, (int)count).Select(i => 0.1f * (i % 7)));
        model.Graph.Initializer[model.Graph.Initializer.IndexOf(old)] = tensor;
    }

    /// <summary>Inserts node op(value) right after value's producer and makes every later consumer read its result.</summary>
    public static NodeProto InsertAfter(this ModelProto model, string value, string opType, string nodeName)
    {
        var graph = model.Graph;
        int producer = graph.Node.ToList().FindIndex(n => n.Output.Contains(value));
        string result = value + "/edited";
        foreach (var n in graph.Node)
            for (int i = 0; i < n.Input.Count; i++)
                if (n.Input[i] == value) n.Input[i] = result;
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.Add(value);
        node.Output.Add(result);
        graph.Node.Insert(producer + 1, node);
        return node;
    }
}
