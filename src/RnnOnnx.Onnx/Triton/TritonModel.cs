using Inference;

namespace RnnOnnx.Onnx.Triton;

/// <summary>How Triton schedules an exported model.</summary>
public enum TritonModelKind
{
    /// <summary>A full-sequence model: stateless, whole sequences per request, dynamic batching.</summary>
    Sequence,

    /// <summary>A step model: Triton's sequence batcher carries the recurrent state between requests (implicit state, START control).</summary>
    Step,
}

/// <summary>One model of a Triton repository, built in memory: the <c>config.pbtxt</c> text and the <c>model.onnx</c> bytes.</summary>
public sealed class TritonModel
{
    internal TritonModel(string name, TritonModelKind kind, byte[] onnx, ModelConfig config, IReadOnlyList<string> states)
    {
        (Name, Kind, Onnx, Config, StateInputs) = (name, kind, onnx, config, states);
        ConfigText = ProtoTextFormat.Print(config);
    }

    /// <summary>The model's name: its folder in the repository and the config's <c>name</c>.</summary>
    public string Name { get; }

    /// <summary>Sequence (dynamic batching) or step (sequence batching with implicit state).</summary>
    public TritonModelKind Kind { get; }

    /// <summary>The ONNX model Triton runs (for step models, the Triton-shaped step graph).</summary>
    public byte[] Onnx { get; }

    /// <summary><c>config.pbtxt</c>: an <c>inference.ModelConfig</c> in protobuf text format.</summary>
    public string ConfigText { get; }

    /// <summary>The state inputs of a step model in Triton's order (e.g. <c>state_in_00_h</c>); empty for a sequence model.</summary>
    public IReadOnlyList<string> StateInputs { get; }

    internal ModelConfig Config { get; }
}

/// <summary>Where <see cref="TritonExporter.Export(byte[], string, TritonExportOptions?)"/> wrote a model.</summary>
/// <param name="Model">What was written.</param>
/// <param name="Directory">The model's folder, <c>REPO/NAME</c>.</param>
/// <param name="Version">The version folder written, 1 for a new model, one above the highest otherwise.</param>
public sealed record TritonExportResult(TritonModel Model, string Directory, long Version)
{
    /// <summary>Path of the written <c>model.onnx</c>.</summary>
    public string ModelPath => Path.Combine(Directory, Version.ToString(System.Globalization.CultureInfo.InvariantCulture), TritonExporter.ModelFileName);

    /// <summary>Path of the written <c>config.pbtxt</c>.</summary>
    public string ConfigPath => Path.Combine(Directory, TritonExporter.ConfigFileName);
}
