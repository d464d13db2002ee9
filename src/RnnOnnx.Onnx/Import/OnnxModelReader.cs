using Google.Protobuf;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx.Import;

/// <summary>Parses ONNX bytes and checks what must hold before the graph is read: a graph, and a default-domain opset the importer knows.</summary>
internal static class OnnxModelReader
{
    public static ModelProto Parse(byte[] bytes, string source)
    {
        if (bytes.Length == 0) throw new ModelFileException($"{source} is empty.");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFileException($"{source} is not an ONNX model, or it is truncated or corrupt ({e.Message})", e);
        }
        if (model.Graph is null) throw new ModelFileException($"{source} has no graph: it is not an ONNX model, or it is truncated.");
        return model;
    }

    /// <summary>The opset of the default ("" or "ai.onnx") domain.</summary>
    public static long DefaultOpset(ModelProto model, string source)
    {
        var entry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new ModelFileException($"{source} declares no opset for the default ONNX domain: it is not a complete ONNX model.");
        if (entry.Version < OnnxImporter.MinimumOpset || entry.Version > OnnxImporter.MaximumOpset)
            throw new UnsupportedOnnxModelException(null, null,
                $"opset {entry.Version} of the default domain is outside the {OnnxImporter.MinimumOpset} to {OnnxImporter.MaximumOpset} the importer reads.");
        return entry.Version;
    }
}
