using RnnOnnx.Randomness;

namespace RnnOnnx.Tests;

/// <summary>Seeded random tensors for tests.</summary>
internal static class TestData
{
    public static Tensor Uniform(ulong seed, float scale, params int[] shape)
    {
        var rng = new Rng(seed);
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (2f * rng.NextSingle() - 1f) * scale;
        return t;
    }

    public static Tensor Ids(ulong seed, int vocabulary, params int[] shape)
    {
        var rng = new Rng(seed);
        var t = Tensor.Zeros(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = rng.NextInt(vocabulary);
        return t;
    }
}
