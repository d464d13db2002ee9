using RnnOnnx.Training;

namespace RnnOnnx.Onnx.Tests.Import;

/// <summary>Comparisons the import tests share.</summary>
internal static class ImportChecks
{
    /// <summary>Same parameters, in order, with the same shapes and bit-identical values.</summary>
    public static void SameWeights(Sequential expected, Sequential actual)
    {
        var a = expected.Parameters;
        var b = actual.Parameters;
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Name, b[i].Name);
            Assert.Equal(a[i].Shape, b[i].Shape);
            for (int j = 0; j < a[i].Value.Length; j++)
                if (BitConverter.SingleToInt32Bits(a[i].Value[j]) != BitConverter.SingleToInt32Bits(b[i].Value[j]))
                    Assert.Fail($"parameter {i} ({a[i].Name}) differs at {j}: {a[i].Value[j]:R} vs {b[i].Value[j]:R}");
        }
    }

    /// <summary>Swaps the first two axes ([time, batch, …] ↔ [batch, time, …]).</summary>
    public static Tensor SwapFirstAxes(Tensor t)
    {
        int a = t.Dim(0), b = t.Dim(1), rest = t.Data.Length / Math.Max(1, a * b);
        var data = new float[t.Data.Length];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                Array.Copy(t.Data, (i * b + j) * rest, data, (j * a + i) * rest, rest);
        var shape = t.Shape.ToArray();
        (shape[0], shape[1]) = (shape[1], shape[0]);
        return new Tensor(data, shape);
    }

    /// <summary>Max |a − b| over the values in row-major order (shapes may differ by axes of size 1).</summary>
    public static float MaxAbsDiffFlat(Tensor a, Tensor b)
    {
        Assert.Equal(a.Data.Length, b.Data.Length);
        float worst = 0;
        for (int i = 0; i < a.Data.Length; i++) worst = Math.Max(worst, Math.Abs(a.Data[i] - b.Data[i]));
        return worst;
    }
}
