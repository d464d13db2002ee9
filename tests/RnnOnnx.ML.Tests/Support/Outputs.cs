using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML.Tests;

/// <summary>Reads a vector column of every row and compares results.</summary>
internal static class Outputs
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

    public static void Near(float[] expected, float[] actual, float tolerance, string where)
    {
        Assert.True(expected.Length == actual.Length, $"{where}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{where}, value {i}: {actual[i]} vs expected {expected[i]}");
    }

    public static void Near(float[][] expected, float[][] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++) Near(expected[r], actual[r], tolerance, $"row {r}");
    }

    public static void Identical(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++) Assert.True(expected[r].AsSpan().SequenceEqual(actual[r]), $"row {r} differs");
    }
}
