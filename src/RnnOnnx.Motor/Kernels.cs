using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnOnnx.Motor;

/// <summary>
/// The small row-major float32 products the policy needs, sized for control (batch ~32, widths 16–400), written
/// with Vector256 so they run well on AVX2 machines and deterministically (fixed summation order, one thread).
/// </summary>
internal static class Kernels
{
    /// <summary>C[m×n] (+)= A[m×k]·W[k×n] (+ bias row if given). Four rows of A share each loaded row of W.</summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        int r = 0;
        for (; r + 4 <= m; r += 4)
        {
            var c0 = c.Slice(r * n, n); var c1 = c.Slice((r + 1) * n, n); var c2 = c.Slice((r + 2) * n, n); var c3 = c.Slice((r + 3) * n, n);
            if (accumulate) { }
            else if (bias.IsEmpty) { c0.Clear(); c1.Clear(); c2.Clear(); c3.Clear(); }
            else { bias.CopyTo(c0); bias.CopyTo(c1); bias.CopyTo(c2); bias.CopyTo(c3); }
            var a0 = a.Slice(r * k, k); var a1 = a.Slice((r + 1) * k, k); var a2 = a.Slice((r + 2) * k, k); var a3 = a.Slice((r + 3) * k, k);
            int j = 0;
            for (; j + 8 <= n; j += 8)
            {
                var s0 = V(c0, j); var s1 = V(c1, j); var s2 = V(c2, j); var s3 = V(c3, j);
                for (int p = 0; p < k; p++)
                {
                    var wv = V(w, p * n + j);
                    s0 = Vector256.FusedMultiplyAdd(Vector256.Create(a0[p]), wv, s0);
                    s1 = Vector256.FusedMultiplyAdd(Vector256.Create(a1[p]), wv, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.Create(a2[p]), wv, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.Create(a3[p]), wv, s3);
                }
                St(s0, c0, j); St(s1, c1, j); St(s2, c2, j); St(s3, c3, j);
            }
            for (; j < n; j++)
                for (int p = 0; p < k; p++)
                {
                    float wv = w[p * n + j];
                    c0[j] = MathF.FusedMultiplyAdd(a0[p], wv, c0[j]); c1[j] = MathF.FusedMultiplyAdd(a1[p], wv, c1[j]);
                    c2[j] = MathF.FusedMultiplyAdd(a2[p], wv, c2[j]); c3[j] = MathF.FusedMultiplyAdd(a3[p], wv, c3[j]);
                }
        }
        for (; r < m; r++)
        {
            var cr = c.Slice(r * n, n);
            if (accumulate) { }
            else if (bias.IsEmpty) cr.Clear();
            else bias.CopyTo(cr);
            for (int p = 0; p < k; p++)
            {
                float av = a[r * k + p];
                var wr = w.Slice(p * n, n);
                for (int j = 0; j < n; j++) cr[j] = MathF.FusedMultiplyAdd(av, wr[j], cr[j]);
            }
        }
    }

    /// <summary>
    /// C[k×n] += A[m×k]ᵀ·G[m×n]. Rows are taken in chunks that stay in cache and four rows of C are updated per
    /// loaded vector of G; the summation order is fixed (chunk by chunk, row by row), so results are reproducible.
    /// </summary>
    public static void AccumulateTransA(ReadOnlySpan<float> a, ReadOnlySpan<float> g, Span<float> c, int m, int k, int n)
    {
        const int Chunk = 64;
        for (int r0 = 0; r0 < m; r0 += Chunk)
        {
            int r1 = Math.Min(m, r0 + Chunk);
            int p = 0;
            for (; p + 4 <= k; p += 4)
            {
                var c0 = c.Slice(p * n, n); var c1 = c.Slice((p + 1) * n, n); var c2 = c.Slice((p + 2) * n, n); var c3 = c.Slice((p + 3) * n, n);
                int j = 0;
                for (; j + 8 <= n; j += 8)
                {
                    var s0 = V(c0, j); var s1 = V(c1, j); var s2 = V(c2, j); var s3 = V(c3, j);
                    for (int r = r0; r < r1; r++)
                    {
                        var gv = V(g, r * n + j);
                        int ar = r * k + p;
                        s0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[ar]), gv, s0);
                        s1 = Vector256.FusedMultiplyAdd(Vector256.Create(a[ar + 1]), gv, s1);
                        s2 = Vector256.FusedMultiplyAdd(Vector256.Create(a[ar + 2]), gv, s2);
                        s3 = Vector256.FusedMultiplyAdd(Vector256.Create(a[ar + 3]), gv, s3);
                    }
                    St(s0, c0, j); St(s1, c1, j); St(s2, c2, j); St(s3, c3, j);
                }
                for (; j < n; j++)
                    for (int r = r0; r < r1; r++)
                    {
                        float gv = g[r * n + j];
                        int ar = r * k + p;
                        c0[j] = MathF.FusedMultiplyAdd(a[ar], gv, c0[j]); c1[j] = MathF.FusedMultiplyAdd(a[ar + 1], gv, c1[j]);
                        c2[j] = MathF.FusedMultiplyAdd(a[ar + 2], gv, c2[j]); c3[j] = MathF.FusedMultiplyAdd(a[ar + 3], gv, c3[j]);
                    }
            }
            for (; p < k; p++)
            {
                var cp = c.Slice(p * n, n);
                for (int r = r0; r < r1; r++)
                {
                    float av = a[r * k + p];
                    var gr = g.Slice(r * n, n);
                    for (int j = 0; j < n; j++) cp[j] = MathF.FusedMultiplyAdd(av, gr[j], cp[j]);
                }
            }
        }
    }

    /// <summary>T[n×k] = W[k×n]ᵀ.</summary>
    public static void Transpose(ReadOnlySpan<float> w, Span<float> t, int k, int n)
    {
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) t[j * k + p] = w[p * n + j];
    }

    /// <summary>b[n] += Σ_rows G[m×n].</summary>
    public static void SumRows(ReadOnlySpan<float> g, Span<float> b, int m, int n)
    {
        for (int r = 0; r < m; r++) TensorPrimitives.Add(b, g.Slice(r * n, n), b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> V(ReadOnlySpan<float> s, int i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void St(Vector256<float> v, Span<float> s, int i) => v.StoreUnsafe(ref MemoryMarshal.GetReference(s), (nuint)i);
}
