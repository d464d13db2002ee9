using Inference;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx.Triton;

/// <summary>A graph input or output as Triton's ONNX Runtime backend sees it: name, Triton data type, dims (-1 = dynamic).</summary>
internal sealed record TritonTensor(string Name, DataType DataType, long[] Dims)
{
    /// <summary>Element type, dims as ONNX Runtime reports them (symbolic and unknown dimensions are -1).</summary>
    public static TritonTensor From(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType ?? throw new ModelFileException($"Graph value '{value.Name}' is not a tensor; Triton's ONNX Runtime backend serves tensors only.");
        var dims = tensor.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1L).ToArray() ?? [];
        return new TritonTensor(value.Name, ToTriton(tensor.ElemType, value.Name), dims);
    }

    /// <summary>ONNX element type → Triton data type (the backend's ConvertFromOnnxDataType).</summary>
    public static DataType ToTriton(int onnxType, string name) => (TensorProto.Types.DataType)onnxType switch
    {
        TensorProto.Types.DataType.Float => DataType.TypeFp32,
        TensorProto.Types.DataType.Double => DataType.TypeFp64,
        TensorProto.Types.DataType.Float16 => DataType.TypeFp16,
        TensorProto.Types.DataType.Bfloat16 => DataType.TypeBf16,
        TensorProto.Types.DataType.Int8 => DataType.TypeInt8,
        TensorProto.Types.DataType.Int16 => DataType.TypeInt16,
        TensorProto.Types.DataType.Int32 => DataType.TypeInt32,
        TensorProto.Types.DataType.Int64 => DataType.TypeInt64,
        TensorProto.Types.DataType.Uint8 => DataType.TypeUint8,
        TensorProto.Types.DataType.Uint16 => DataType.TypeUint16,
        TensorProto.Types.DataType.Uint32 => DataType.TypeUint32,
        TensorProto.Types.DataType.Uint64 => DataType.TypeUint64,
        TensorProto.Types.DataType.Bool => DataType.TypeBool,
        TensorProto.Types.DataType.String => DataType.TypeString,
        _ => throw new ModelFileException($"Graph value '{name}' has ONNX element type {onnxType}, which Triton has no data type for."),
    };

    /// <summary>Graph inputs that are not initializers: what ONNX Runtime lists as the session's inputs.</summary>
    public static List<TritonTensor> Inputs(GraphProto graph)
    {
        var weights = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Input.Where(i => !weights.Contains(i.Name)).Select(From).ToList();
    }

    /// <summary>Graph outputs.</summary>
    public static List<TritonTensor> Outputs(GraphProto graph) => graph.Output.Select(From).ToList();
}
