namespace RnnOnnx.Motor.Tests;

/// <summary>
/// The register-blocked products against their scalar definition, bit for bit: each element of C must be the same
/// FMA chain in the same order whatever tile (8, 4 or 1 rows; 32, 16, 8 or padded tail columns) computes it, so
/// training stays reproducible across tile shapes and instruction sets.
/// </summary>
public class KernelTests
{
    private static float[] Random(int n, Random rng)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    [Theory]
    [InlineData(32, 16, 96)]   // x·W, GRU(32)
    [InlineData(32, 128, 384)] // h·R, GRU(128)
    [InlineData(32, 384, 128)] // ∂G·Rᵀ
    [InlineData(32, 128, 6)]   // Dense to six muscles: the padded tail only
    [InlineData(13, 7, 61)]    // every remainder: 8 + 4 + 1 rows, 32 + 16 + 8 + 5 columns
    [InlineData(3, 5, 3)]
    public void MatMul_is_the_scalar_fma_chain_bit_for_bit(int m, int k, int n)
    {
        var rng = new Random(m * 1000 + k * 10 + n);
        var a = Random(m * k, rng);
        var w = Random(k * n, rng);
        var bias = Random(n, rng);
        var start = Random(m * n, rng);
        foreach (bool accumulate in new[] { false, true })
        {
            var c = (float[])start.Clone();
            Kernels.MatMul(a, w, accumulate ? default : bias, c, m, k, n, accumulate);
            for (int r = 0; r < m; r++)
                for (int j = 0; j < n; j++)
                {
                    float s = accumulate ? start[r * n + j] : bias[j];
                    for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(a[r * k + p], w[p * n + j], s);
                    Assert.True(BitConverter.SingleToInt32Bits(s) == BitConverter.SingleToInt32Bits(c[r * n + j]),
                        $"accumulate={accumulate} C[{r},{j}] = {c[r * n + j]:R}, scalar {s:R}");
                }
        }
    }

    [Theory]
    [InlineData(3200, 16, 96)]
    [InlineData(3200, 128, 384)]
    [InlineData(3200, 128, 6)]
    [InlineData(150, 13, 61)]
    public void AccumulateTransA_is_the_scalar_chunked_fma_chain_bit_for_bit(int m, int k, int n)
    {
        var rng = new Random(m + k * 10 + n * 100);
        var a = Random(m * k, rng);
        var g = Random(m * n, rng);
        var start = Random(k * n, rng);
        var c = (float[])start.Clone();
        Kernels.AccumulateTransA(a, g, c, m, k, n);
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++)
            {
                float s = start[p * n + j];
                for (int r = 0; r < m; r++) s = MathF.FusedMultiplyAdd(a[r * k + p], g[r * n + j], s);
                Assert.True(BitConverter.SingleToInt32Bits(s) == BitConverter.SingleToInt32Bits(c[p * n + j]),
                    $"C[{p},{j}] = {c[p * n + j]:R}, scalar {s:R}");
            }
    }
}
