using System.Diagnostics;
using RnnOnnx.Kernels;

namespace RnnOnnx.Bench.Training;

/// <summary>Result of one SGEMM shape: C[m×n] = op(A)[m×k]·op(B)[k×n].</summary>
internal sealed record GemmResult(string Shape, int M, int N, int K, bool TransA, bool TransB, double Ms, double Gflops);

/// <summary>Times our SGEMM at 2048³ and at the shapes the training configs use.</summary>
internal static class GemmBenchmark
{
    public static readonly IReadOnlyList<(string Name, int M, int N, int K, bool TransA, bool TransB)> Shapes =
    [
        ("square-2048", 2048, 2048, 2048, false, false),
        ("big input projection X·W", 6400, 2048, 64, false, false),
        ("big recurrent step h·R (per core)", 32, 2048, 512, false, false),
        ("big ∂R = Hᵀ·∂G", 512, 2048, 6400, true, false),
        ("big ∂X = ∂G·Wᵀ", 6400, 64, 2048, false, true),
        ("mid recurrent step h·R (per core)", 16, 512, 128, false, false),
        ("charlm Dense logits", 3200, 96, 256, false, false),
    ];

    public static unsafe GemmResult Run((string Name, int M, int N, int K, bool TransA, bool TransB) shape, int repeats)
    {
        var (name, m, n, k, ta, tb) = shape;
        var a = new float[(long)m * k];
        var b = new float[(long)k * n];
        var c = new float[(long)m * n];
        var rng = new Randomness.Rng(3);
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextSingle() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextSingle() - 0.5f;
        int lda = ta ? m : k, ldb = tb ? k : n;
        var times = new double[repeats];
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
        {
            Gemm.Multiply(pa, lda, ta, pb, ldb, tb, pc, n, m, n, k, accumulate: false);
            for (int r = 0; r < repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                Gemm.Multiply(pa, lda, ta, pb, ldb, tb, pc, n, m, n, k, accumulate: false);
                times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        Array.Sort(times);
        double ms = times[repeats / 2];
        return new GemmResult(name, m, n, k, ta, tb, ms, 2.0 * m * n * k / (ms / 1000) / 1e9);
    }
}
