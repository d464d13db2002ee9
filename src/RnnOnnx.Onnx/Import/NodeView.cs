using System.Globalization;
using RnnOnnx.Onnx.Proto;
using AttributeType = RnnOnnx.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace RnnOnnx.Onnx.Import;

/// <summary>One node as the importer reads it: its display name for messages, typed attribute access, and failures that name it.</summary>
internal sealed class NodeView
{
    private NodeView(NodeProto proto, string displayName, string opType)
    {
        Proto = proto;
        DisplayName = displayName;
        OpType = opType;
    }

    public NodeView(NodeProto proto, int index) : this(proto, string.IsNullOrEmpty(proto.Name) ? $"#{index}" : proto.Name, proto.OpType) { }

    /// <summary>A stand-in for a graph output, so that output checks fail with the output's name.</summary>
    public static NodeView ForGraphOutput(string name) => new(new NodeProto(), name, UnsupportedOnnxModelException.GraphOutput);

    public NodeProto Proto { get; }
    public string DisplayName { get; }
    public string OpType { get; }

    public UnsupportedOnnxModelException Fail(string problem) => new(DisplayName, OpType, problem);

    /// <summary>Input name i, or "" when absent (ONNX's marker for a skipped optional input).</summary>
    public string InputName(int i) => i < Proto.Input.Count ? Proto.Input[i] : "";

    public bool Has(string name) => Find(name) is not null;

    public long Int(string name, long fallback)
    {
        var a = Find(name);
        if (a is null) return fallback;
        if (a.Type != AttributeType.Int) throw Fail($"attribute '{name}' must be an integer, but it is {a.Type}.");
        return a.I;
    }

    public float Float(string name, float fallback)
    {
        var a = Find(name);
        if (a is null) return fallback;
        if (a.Type != AttributeType.Float) throw Fail($"attribute '{name}' must be a float, but it is {a.Type}.");
        return a.F;
    }

    public string? String(string name)
    {
        var a = Find(name);
        if (a is null) return null;
        if (a.Type != AttributeType.String) throw Fail($"attribute '{name}' must be a string, but it is {a.Type}.");
        return a.S.ToStringUtf8();
    }

    public long[]? Ints(string name)
    {
        var a = Find(name);
        if (a is null) return null;
        if (a.Type != AttributeType.Ints) throw Fail($"attribute '{name}' must be a list of integers, but it is {a.Type}.");
        return [.. a.Ints];
    }

    public float[]? Floats(string name)
    {
        var a = Find(name);
        if (a is null) return null;
        if (a.Type != AttributeType.Floats) throw Fail($"attribute '{name}' must be a list of floats, but it is {a.Type}.");
        return [.. a.Floats];
    }

    public string[]? Strings(string name)
    {
        var a = Find(name);
        if (a is null) return null;
        if (a.Type != AttributeType.Strings) throw Fail($"attribute '{name}' must be a list of strings, but it is {a.Type}.");
        return a.Strings.Select(s => s.ToStringUtf8()).ToArray();
    }

    public AttributeProto? Find(string name)
    {
        foreach (var a in Proto.Attribute)
            if (a.Name == name) return a;
        return null;
    }

    public static string Describe(IEnumerable<long> dims) => "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
