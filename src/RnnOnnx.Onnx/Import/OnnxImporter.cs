using RnnOnnx.Onnx.Import;
using RnnOnnx.Training;

namespace RnnOnnx.Onnx;

/// <summary>
/// Reads an ONNX model into a trainer <see cref="Sequential"/> that can be fine-tuned (Compile + Fit) and exported
/// again with <see cref="OnnxExporter"/>. It reads what <see cref="OnnxExporter"/> writes (full, step and
/// variable-length graphs) and what <c>torch.onnx.export</c> makes of <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c>
/// (stacked, bidirectional, batch_first or not) followed by <c>nn.Linear</c> heads on the whole sequence, its
/// last step or the final states, and embeddings (Gather on a table).
/// <para>
/// It recognises the layer nodes (LSTM, GRU, RNN; MatMul or Gemm with a bias Add; Relu, Tanh, Sigmoid, Softmax right
/// after them; Gather of a table by token ids) and follows plumbing (Transpose, Squeeze, Unsqueeze, Reshape, Flatten,
/// Shape, Gather, Slice, Concat, ConstantOfShape, Expand, Constant, Identity, Cast, Dropout) axis by axis, so it
/// notices when plumbing changes what the trainer would compute. What the trainer cannot represent is refused with an
/// <see cref="UnsupportedOnnxModelException"/> naming the node and the problem.
/// </para>
/// </summary>
public static class OnnxImporter
{
    /// <summary>Lowest opset of the default domain the importer reads.</summary>
    public const int MinimumOpset = 7;

    /// <summary>Highest opset of the default domain the importer reads.</summary>
    public const int MaximumOpset = 21;

    /// <summary>The trainer model held by ONNX bytes.</summary>
    /// <exception cref="ModelFileException">The bytes are not a (complete) ONNX model.</exception>
    /// <exception cref="UnsupportedOnnxModelException">The graph has structure the trainer cannot represent (names the node and the problem).</exception>
    public static Sequential Import(byte[] onnx) => Read(onnx).Model;

    /// <summary>The trainer model held by an ONNX file.</summary>
    /// <exception cref="ModelFileException">The file cannot be read, or is not a (complete) ONNX model.</exception>
    /// <exception cref="UnsupportedOnnxModelException">The graph has structure the trainer cannot represent (names the node and the problem).</exception>
    public static Sequential Import(string path) => Read(path).Model;

    /// <summary>The trainer model held by ONNX bytes, with how the graph's input and output map to it.</summary>
    /// <exception cref="ModelFileException">The bytes are not a (complete) ONNX model.</exception>
    /// <exception cref="UnsupportedOnnxModelException">The graph has structure the trainer cannot represent (names the node and the problem).</exception>
    public static ImportedOnnxModel Read(byte[] onnx)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        return Read(onnx, "The ONNX model");
    }

    /// <summary>The trainer model held by an ONNX file, with how the graph's input and output map to it.</summary>
    /// <exception cref="ModelFileException">The file cannot be read, or is not a (complete) ONNX model.</exception>
    /// <exception cref="UnsupportedOnnxModelException">The graph has structure the trainer cannot represent (names the node and the problem).</exception>
    public static ImportedOnnxModel Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = Serialization.InputFile.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            throw new ModelFileException($"ONNX file '{path}' cannot be read: {e.Message}", e);
        }
        return Read(bytes, $"ONNX file '{path}'");
    }

    private static ImportedOnnxModel Read(byte[] bytes, string source)
    {
        var proto = OnnxModelReader.Parse(bytes, source);
        long opset = OnnxModelReader.DefaultOpset(proto, source);
        var plan = new GraphInterpreter(proto.Graph, opset).Run();
        var model = TrainerModelBuilder.Build(plan);
        return new ImportedOnnxModel(model, plan.InputName, plan.InputIsTimeMajor, plan.OutputName, plan.OutputIsTimeMajor,
            plan.SequenceLengthsName, opset, proto.ProducerName);
    }
}
