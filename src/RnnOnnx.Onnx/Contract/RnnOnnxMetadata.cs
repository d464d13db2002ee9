using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx;

/// <summary>
/// The <c>metadata_props</c> keys every RnnOnnx export carries, and the values of <c>rnnonnx.graph</c>: the one place
/// that writers (<see cref="OnnxExporter"/>, <see cref="OnnxEnsemble"/>) and readers (<see cref="StepGraph"/>) share.
/// </summary>
public static class RnnOnnxMetadata
{
    /// <summary>What the model is for: a <see cref="ModelTask"/> name (see <see cref="ModelTasks"/>).</summary>
    public const string Task = "rnnonnx.task";

    /// <summary>The RnnOnnx version that wrote the file.</summary>
    public const string Version = "rnnonnx.version";

    /// <summary>JSON the product needs besides the weights (scaler, window, vocabulary, …).</summary>
    public const string Config = "rnnonnx.config";

    /// <summary>Which graph the file is: <c>full</c>, <c>step</c> or <c>encoder</c> (see <see cref="GraphName"/>).</summary>
    public const string Graph = "rnnonnx.graph";

    /// <summary>The trainer's architecture JSON (for an ensemble: <c>{"format":"rnnonnx-ensemble", …, "members":[…]}</c>).</summary>
    public const string Architecture = "rnnonnx.architecture";

    /// <summary>
    /// The id every file of a multi-file model (a captioner's encoder and decoder) carries: a SHA-256 of the files'
    /// contents without it, so files from different trainings never share it. Readers refuse parts whose ids differ.
    /// </summary>
    public const string Pair = "rnnonnx.pair";

    /// <summary>
    /// In a captioner's decoder, the SHA-256 (lowercase hex) of the exact encoder file it was written with. The decoder
    /// is written last, so it is the pair's commit record: an encoder without a decoder naming its hash is not part of a model.
    /// </summary>
    public const string PairEncoderSha256 = "rnnonnx.pair.encoder_sha256";

    /// <summary>
    /// The model with metadata entries set (an existing key's value is replaced, a new key appended); nothing else of
    /// the model changes — graph and weights are serialized as they were read.
    /// </summary>
    /// <exception cref="ModelFileException">The bytes are not an ONNX model.</exception>
    public static byte[] With(byte[] model, IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(entries);
        var proto = OnnxModelInfo.Parse(model, "ONNX model");
        foreach (var (key, value) in entries)
        {
            var existing = proto.MetadataProps.FirstOrDefault(p => p.Key == key);
            if (existing is not null) existing.Value = value;
            else proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return Google.Protobuf.MessageExtensions.ToByteArray(proto);
    }

    /// <summary>The <c>rnnonnx.graph</c> value of a graph kind.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined kind.</exception>
    public static string GraphName(OnnxGraphKind kind) => kind switch
    {
        OnnxGraphKind.Full => "full",
        OnnxGraphKind.Step => "step",
        OnnxGraphKind.Encoder => "encoder",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a graph kind."),
    };

    /// <summary>Reads a <c>rnnonnx.graph</c> value; null or unknown gives false.</summary>
    public static bool TryParseGraph(string? name, out OnnxGraphKind kind)
    {
        (bool ok, kind) = name switch
        {
            "full" => (true, OnnxGraphKind.Full),
            "step" => (true, OnnxGraphKind.Step),
            "encoder" => (true, OnnxGraphKind.Encoder),
            _ => (false, OnnxGraphKind.Full),
        };
        return ok;
    }
}
