using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Runtime.Batching;

namespace RnnOnnx.ML;

/// <summary>Reads the key column of the current row and finds that stream's state.</summary>
internal sealed class StreamKeyReader
{
    private readonly ValueGetter<ReadOnlyMemory<char>>? _text;
    private readonly Func<long>? _number;
    private ReadOnlyMemory<char> _textValue;

    private StreamKeyReader(ValueGetter<ReadOnlyMemory<char>>? text, Func<long>? number)
    {
        _text = text;
        _number = number;
    }

    public static bool Accepts(DataViewType type) =>
        type is TextDataViewType || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64
        || type == NumberDataViewType.UInt32 || type == NumberDataViewType.UInt64 || type is KeyDataViewType { RawType: var raw } && raw == typeof(uint);

    public static StreamKeyReader Create(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is TextDataViewType) return new(row.GetGetter<ReadOnlyMemory<char>>(column), null);
        if (type == NumberDataViewType.Int32) return new(null, Number<int>(row, column, v => v));
        if (type == NumberDataViewType.Int64) return new(null, Number<long>(row, column, v => v));
        if (type == NumberDataViewType.UInt64) return new(null, Number<ulong>(row, column, v => unchecked((long)v)));
        return new(null, Number<uint>(row, column, v => v));
    }

    public StreamState Resolve(StreamStateStore store)
    {
        if (_number is not null) return store.Get(_number());
        _text!(ref _textValue);
        return store.Get(_textValue.Span);
    }

    private static Func<long> Number<T>(DataViewRow row, DataViewSchema.Column column, Func<T, long> convert)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return convert(value);
        };
    }
}
