using RnnOnnx.Kernels;

namespace RnnOnnx.Tests.Kernels;

[Collection("Threads")]
public class GemmRowInitTests
{
    [Theory]
    [InlineData(7, 45, 9, 1)]
    [InlineData(300, 257, 20, 2)]
    [InlineData(2000, 40, 3, 2)]
    public unsafe void Row_init_starts_every_row_with_the_vector_and_keeps_thread_count_identity(int m, int n, int k, int threads)
    {
        var a = TestData.Uniform(1, 1f, m, k).Data;
        var b = TestData.Uniform(2, 1f, k, n).Data;
        var bias = TestData.Uniform(3, 1f, n).Data;
        float[] Run(int t)
        {
            int saved = Compute.MaxThreads;
            try
            {
                Compute.MaxThreads = t;
                var c = Enumerable.Repeat(float.NaN, m * n).ToArray(); // must be overwritten, not accumulated into
                fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c) fixed (float* pi = bias)
                    Gemm.Multiply(pa, k, false, pb, n, false, pc, n, m, n, k, accumulate: false, rowInit: pi);
                return c;
            }
            finally { Compute.MaxThreads = saved; }
        }
        var c = Run(threads);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = bias[j], scale = Math.Abs(bias[j]);
                for (int p = 0; p < k; p++) { expected += (double)a[i * k + p] * b[p * n + j]; scale += Math.Abs(a[i * k + p] * b[p * n + j]); }
                Assert.True(Math.Abs(c[i * n + j] - expected) <= 1e-5 * scale + 1e-7, $"C[{i},{j}] = {c[i * n + j]}, expected {expected}");
            }
        Assert.True(c.AsSpan().SequenceEqual(Run(1)));
    }
}
