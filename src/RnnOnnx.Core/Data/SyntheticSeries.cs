using RnnOnnx.Randomness;

namespace RnnOnnx.Data;

/// <summary>Generated series for demos and tests, so nothing has to be downloaded.</summary>
public static class SyntheticSeries
{
    /// <summary>sin(2πt / period) + noise·N(0, 1), t = 0..length−1, reproducible for a seed.</summary>
    public static float[] NoisySine(int length, float period = 25f, float noise = 0.1f, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var rng = new Rng(seed);
        var series = new float[length];
        for (int t = 0; t < length; t++) series[t] = MathF.Sin(2 * MathF.PI * t / period) + noise * rng.NextGaussian();
        return series;
    }
}
