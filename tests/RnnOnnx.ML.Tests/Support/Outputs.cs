using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.Tests;

/// <summary>Reads a vector column of every row and compares results.</summary>
internal static partial class Outputs
{
    public static float[][] Read(IDataView data, string column)
    {
        var col = data.Schema[column];
        var rows = new List<float[]>();
        using var cursor = data.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows.Add(value.DenseValues().ToArray());
        }
        return [.. rows];
    }
}
