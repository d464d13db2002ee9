using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML;

/// <summary>Reads the length column (steps per row) of the current row as a double, whatever its numeric type.</summary>
internal static class LengthReader
{
    public static bool Accepts(DataViewType type) =>
        type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 || type == NumberDataViewType.UInt32
        || type == NumberDataViewType.Single || type == NumberDataViewType.Double;

    public static Func<double> Create(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type == NumberDataViewType.Int32) return Read<int>(row, column, v => v);
        if (type == NumberDataViewType.Int64) return Read<long>(row, column, v => v);
        if (type == NumberDataViewType.UInt32) return Read<uint>(row, column, v => v);
        if (type == NumberDataViewType.Single) return Read<float>(row, column, v => v);
        return Read<double>(row, column, v => v);
    }

    private static Func<double> Read<T>(DataViewRow row, DataViewSchema.Column column, Func<T, double> convert)
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
