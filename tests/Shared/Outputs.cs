namespace RnnOnnx.Tests;

/// <summary>Compares output values (and, in ML.NET tests, reads them from a data view).</summary>
internal static partial class Outputs
{
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
