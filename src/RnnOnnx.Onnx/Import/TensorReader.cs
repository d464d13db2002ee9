using System.Buffers.Binary;
using Google.Protobuf;
using RnnOnnx.Onnx.Proto;
using DataType = RnnOnnx.Onnx.Proto.TensorProto.Types.DataType;

namespace RnnOnnx.Onnx.Import;

/// <summary>
/// Reads a <see cref="TensorProto"/> (initializer or Constant value) into a <see cref="ConstTensor"/>, from raw_data
/// or from the typed fields. The declared dims are checked against the data before anything is allocated, so a
/// corrupt file cannot make the importer allocate more than the file holds.
/// </summary>
internal static class TensorReader
{
    public static ConstTensor Read(TensorProto tensor, NodeView user)
    {
        string name = string.IsNullOrEmpty(tensor.Name) ? "(unnamed)" : tensor.Name;
        string where = $"tensor '{name}' (used by node '{user.DisplayName}' ({user.OpType}))";
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw user.Fail($"tensor '{name}' keeps its data in an external file; the importer reads only models that hold their weights inside the .onnx file.");
        long[] dims = [.. tensor.Dims];
        long count = ConstTensor.CountOf(dims);
        if (count < 0 || dims.Any(d => d > int.MaxValue)) throw new ModelFileException($"{where} declares dims {NodeView.Describe(dims)}, which is negative or more values than a model can hold: the file is corrupt.");
        var type = (DataType)tensor.DataType;
        var raw = tensor.RawData;
        switch (type)
        {
            case DataType.Float:
                return ConstTensor.OfFloats(dims, raw.IsEmpty ? Typed(tensor.FloatData, count, where, v => v) : Raw(raw, 4, count, where, b => BinaryPrimitives.ReadSingleLittleEndian(b)));
            case DataType.Double:
                return ConstTensor.OfFloats(dims, raw.IsEmpty ? Typed(tensor.DoubleData, count, where, v => (float)v) : Raw(raw, 8, count, where, b => (float)BinaryPrimitives.ReadDoubleLittleEndian(b)));
            case DataType.Float16:
                return ConstTensor.OfFloats(dims, raw.IsEmpty ? Typed(tensor.Int32Data, count, where, v => (float)BitConverter.UInt16BitsToHalf((ushort)v)) : Raw(raw, 2, count, where, b => (float)BinaryPrimitives.ReadHalfLittleEndian(b)));
            case DataType.Bfloat16:
                return ConstTensor.OfFloats(dims, raw.IsEmpty ? Typed(tensor.Int32Data, count, where, v => BitConverter.Int32BitsToSingle(v << 16)) : Raw(raw, 2, count, where, b => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16)));
            case DataType.Int64:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Int64Data, count, where, v => (long)v) : Raw(raw, 8, count, where, b => (long)BinaryPrimitives.ReadInt64LittleEndian(b)));
            case DataType.Uint64:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Uint64Data, count, where, v => unchecked((long)v)) : Raw(raw, 8, count, where, b => unchecked((long)BinaryPrimitives.ReadUInt64LittleEndian(b))));
            case DataType.Int32:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Int32Data, count, where, v => (long)v) : Raw(raw, 4, count, where, b => (long)BinaryPrimitives.ReadInt32LittleEndian(b)));
            case DataType.Uint32:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Uint64Data, count, where, v => unchecked((long)v)) : Raw(raw, 4, count, where, b => (long)BinaryPrimitives.ReadUInt32LittleEndian(b)));
            case DataType.Int16:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Int32Data, count, where, v => (long)v) : Raw(raw, 2, count, where, b => (long)BinaryPrimitives.ReadInt16LittleEndian(b)));
            case DataType.Uint16:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Int32Data, count, where, v => (long)v) : Raw(raw, 2, count, where, b => (long)BinaryPrimitives.ReadUInt16LittleEndian(b)));
            case DataType.Int8:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Int32Data, count, where, v => (long)v) : Raw(raw, 1, count, where, b => (long)(sbyte)b[0]));
            case DataType.Uint8:
            case DataType.Bool:
                return ConstTensor.OfInts(dims, raw.IsEmpty ? Typed(tensor.Int32Data, count, where, v => (long)v) : Raw(raw, 1, count, where, b => (long)b[0]));
            default:
                throw user.Fail($"tensor '{name}' has element type {type}, which the importer does not read (it reads float, double, float16, bfloat16 and integer tensors).");
        }
    }

    private static T[] Typed<TIn, T>(Google.Protobuf.Collections.RepeatedField<TIn> field, long count, string where, Func<TIn, T> convert)
    {
        if (field.Count != count)
            throw new ModelFileException($"{where} declares {count} values but holds {field.Count}: the file is corrupt.");
        var data = new T[count];
        for (int i = 0; i < data.Length; i++) data[i] = convert(field[i]);
        return data;
    }

    private delegate T ReadElement<T>(ReadOnlySpan<byte> bytes);

    private static T[] Raw<T>(ByteString raw, int size, long count, string where, ReadElement<T> read)
    {
        if (raw.Length != count * size)
            throw new ModelFileException($"{where} declares {count} values ({count * size} bytes) but its raw data has {raw.Length} bytes: the file is corrupt.");
        var bytes = raw.Span;
        var data = new T[count];
        for (int i = 0; i < data.Length; i++) data[i] = read(bytes.Slice(i * size, size));
        return data;
    }
}
