using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnOnnx.Motor;

/// <summary>
/// The small row-major float32 products the policy needs, sized for control (batch ~32, widths 6–400):
/// register-blocked FMA tiles, Vector512 where the CPU has it (else Vector256).
/// <para>
/// Determinism: every element of C is one chain of fused multiply-adds in a fixed order (C's start value, then
/// p = 0, 1, …, k−1 for <see cref="MatMul"/>; row chunks of 64 in order for <see cref="AccumulateTransA"/>), the same
/// in the scalar tail as in any vector width. The results are therefore bit-identical whatever the tile shape or the
/// instruction set, and to the scalar definition — a test checks that.
/// </para>
/// </summary>
internal static unsafe class Kernels
{
    /// <summary>Columns below this many (the Dense layer's 6 muscles) are copied into one zero-padded Vector256 column block.</summary>
    private const int Pad = 8;

    /// <summary>Rows of the weight-gradient product summed per pass over a block of C (kept in cache).</summary>
    private const int Chunk = 64;

    /// <summary>C[m×n] (+)= A[m×k]·W[k×n] (+ bias row if given, when not accumulating).</summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        if (a.Length < m * k || w.Length < k * n || c.Length < m * n || (!bias.IsEmpty && bias.Length < n))
            throw new ArgumentException("MatMul operand shorter than its shape.");
        if (!accumulate)
            for (int r = 0; r < m; r++)
            {
                var cr = c.Slice(r * n, n);
                if (bias.IsEmpty) cr.Clear(); else bias[..n].CopyTo(cr);
            }
        int jMain = n - n % Pad;
        fixed (float* pa = a, pw = w, pc = c)
        {
            int r = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // 8 rows × 32 columns (16 accumulators of the 32 registers): each loaded row of W serves 8 rows of A.
                int j32 = jMain - jMain % 32;
                for (; r + 8 <= m; r += 8)
                {
                    Rows8(pa + r * k, k, pw, n, j32, pc + r * n);
                    Rows4(pa + r * k, k, pw, n, j32, jMain, pc + r * n);
                    Rows4(pa + (r + 4) * k, k, pw, n, j32, jMain, pc + (r + 4) * n);
                }
            }
            for (; r + 4 <= m; r += 4) Rows4(pa + r * k, k, pw, n, 0, jMain, pc + r * n);
            for (; r < m; r++) Rows1(pa + r * k, k, pw, n, jMain, pc + r * n);
            int tail = n - jMain;
            if (tail == 0 || k == 0) return;
            // Narrow tail: W's last columns zero-padded to 8 so they, too, run as one vector per row.
            float[]? rented = null;
            Span<float> wp = k * Pad <= 4096 ? stackalloc float[k * Pad] : (rented = new float[k * Pad]);
            wp.Clear();
            for (int p = 0; p < k; p++)
                for (int j = 0; j < tail; j++) wp[p * Pad + j] = w[p * n + jMain + j];
            fixed (float* pwp = wp)
                for (r = 0; r < m; r++)
                {
                    Vector256<float> s = default;
                    float* cr = pc + r * n + jMain;
                    for (int j = 0; j < tail; j++) s = s.WithElement(j, cr[j]);
                    float* ar = pa + r * k;
                    for (int p = 0; p < k; p++) s = Vector256.FusedMultiplyAdd(Vector256.Create(ar[p]), Vector256.Load(pwp + p * Pad), s);
                    for (int j = 0; j < tail; j++) cr[j] = s.GetElement(j);
                }
            GC.KeepAlive(rented);
        }
    }

    /// <summary>Eight rows of C over columns [0, jEnd) (a multiple of 32): 8 × 2 Vector512 accumulators per tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows8(float* a, int k, float* w, int n, int jEnd, float* c)
    {
        for (int j = 0; j < jEnd; j += 32)
        {
            float* cj = c + j;
            var s00 = Vector512.Load(cj); var s01 = Vector512.Load(cj + 16); cj += n;
            var s10 = Vector512.Load(cj); var s11 = Vector512.Load(cj + 16); cj += n;
            var s20 = Vector512.Load(cj); var s21 = Vector512.Load(cj + 16); cj += n;
            var s30 = Vector512.Load(cj); var s31 = Vector512.Load(cj + 16); cj += n;
            var s40 = Vector512.Load(cj); var s41 = Vector512.Load(cj + 16); cj += n;
            var s50 = Vector512.Load(cj); var s51 = Vector512.Load(cj + 16); cj += n;
            var s60 = Vector512.Load(cj); var s61 = Vector512.Load(cj + 16); cj += n;
            var s70 = Vector512.Load(cj); var s71 = Vector512.Load(cj + 16);
            float* wj = w + j;
            for (int p = 0; p < k; p++, wj += n)
            {
                var w0 = Vector512.Load(wj); var w1 = Vector512.Load(wj + 16);
                float* ap = a + p;
                var b = Vector512.Create(ap[0]);
                s00 = Vector512.FusedMultiplyAdd(b, w0, s00); s01 = Vector512.FusedMultiplyAdd(b, w1, s01);
                b = Vector512.Create(ap[k]);
                s10 = Vector512.FusedMultiplyAdd(b, w0, s10); s11 = Vector512.FusedMultiplyAdd(b, w1, s11);
                b = Vector512.Create(ap[2 * k]);
                s20 = Vector512.FusedMultiplyAdd(b, w0, s20); s21 = Vector512.FusedMultiplyAdd(b, w1, s21);
                b = Vector512.Create(ap[3 * k]);
                s30 = Vector512.FusedMultiplyAdd(b, w0, s30); s31 = Vector512.FusedMultiplyAdd(b, w1, s31);
                b = Vector512.Create(ap[4 * k]);
                s40 = Vector512.FusedMultiplyAdd(b, w0, s40); s41 = Vector512.FusedMultiplyAdd(b, w1, s41);
                b = Vector512.Create(ap[5 * k]);
                s50 = Vector512.FusedMultiplyAdd(b, w0, s50); s51 = Vector512.FusedMultiplyAdd(b, w1, s51);
                b = Vector512.Create(ap[6 * k]);
                s60 = Vector512.FusedMultiplyAdd(b, w0, s60); s61 = Vector512.FusedMultiplyAdd(b, w1, s61);
                b = Vector512.Create(ap[7 * k]);
                s70 = Vector512.FusedMultiplyAdd(b, w0, s70); s71 = Vector512.FusedMultiplyAdd(b, w1, s71);
            }
            cj = c + j;
            s00.Store(cj); s01.Store(cj + 16); cj += n;
            s10.Store(cj); s11.Store(cj + 16); cj += n;
            s20.Store(cj); s21.Store(cj + 16); cj += n;
            s30.Store(cj); s31.Store(cj + 16); cj += n;
            s40.Store(cj); s41.Store(cj + 16); cj += n;
            s50.Store(cj); s51.Store(cj + 16); cj += n;
            s60.Store(cj); s61.Store(cj + 16); cj += n;
            s70.Store(cj); s71.Store(cj + 16);
        }
    }

    /// <summary>Four rows of C over columns [j, jEnd): 4 × 2 Vector512 (or 4 × 1 Vector256) accumulators per tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows4(float* a, int k, float* w, int n, int j, int jEnd, float* c)
    {
        float* a1 = a + k, a2 = a1 + k, a3 = a2 + k;
        float* c1 = c + n, c2 = c1 + n, c3 = c2 + n;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 32 <= jEnd; j += 32)
            {
                var s00 = Vector512.Load(c + j); var s01 = Vector512.Load(c + j + 16);
                var s10 = Vector512.Load(c1 + j); var s11 = Vector512.Load(c1 + j + 16);
                var s20 = Vector512.Load(c2 + j); var s21 = Vector512.Load(c2 + j + 16);
                var s30 = Vector512.Load(c3 + j); var s31 = Vector512.Load(c3 + j + 16);
                float* wj = w + j;
                for (int p = 0; p < k; p++, wj += n)
                {
                    var w0 = Vector512.Load(wj); var w1 = Vector512.Load(wj + 16);
                    var b0 = Vector512.Create(a[p]); var b1 = Vector512.Create(a1[p]);
                    var b2 = Vector512.Create(a2[p]); var b3 = Vector512.Create(a3[p]);
                    s00 = Vector512.FusedMultiplyAdd(b0, w0, s00); s01 = Vector512.FusedMultiplyAdd(b0, w1, s01);
                    s10 = Vector512.FusedMultiplyAdd(b1, w0, s10); s11 = Vector512.FusedMultiplyAdd(b1, w1, s11);
                    s20 = Vector512.FusedMultiplyAdd(b2, w0, s20); s21 = Vector512.FusedMultiplyAdd(b2, w1, s21);
                    s30 = Vector512.FusedMultiplyAdd(b3, w0, s30); s31 = Vector512.FusedMultiplyAdd(b3, w1, s31);
                }
                s00.Store(c + j); s01.Store(c + j + 16);
                s10.Store(c1 + j); s11.Store(c1 + j + 16);
                s20.Store(c2 + j); s21.Store(c2 + j + 16);
                s30.Store(c3 + j); s31.Store(c3 + j + 16);
            }
            for (; j + 16 <= jEnd; j += 16)
            {
                var s0 = Vector512.Load(c + j); var s1 = Vector512.Load(c1 + j);
                var s2 = Vector512.Load(c2 + j); var s3 = Vector512.Load(c3 + j);
                float* wj = w + j;
                for (int p = 0; p < k; p++, wj += n)
                {
                    var wv = Vector512.Load(wj);
                    s0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), wv, s0);
                    s1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[p]), wv, s1);
                    s2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[p]), wv, s2);
                    s3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[p]), wv, s3);
                }
                s0.Store(c + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
            }
        }
        for (; j + 8 <= jEnd; j += 8)
        {
            var s0 = Vector256.Load(c + j); var s1 = Vector256.Load(c1 + j);
            var s2 = Vector256.Load(c2 + j); var s3 = Vector256.Load(c3 + j);
            float* wj = w + j;
            for (int p = 0; p < k; p++, wj += n)
            {
                var wv = Vector256.Load(wj);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[p]), wv, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(a1[p]), wv, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(a2[p]), wv, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(a3[p]), wv, s3);
            }
            s0.Store(c + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
        }
    }

    /// <summary>One row of C over columns [0, jEnd) (jEnd a multiple of 8).</summary>
    private static void Rows1(float* a, int k, float* w, int n, int jEnd, float* c)
    {
        for (int j = 0; j < jEnd; j += 8)
        {
            var s = Vector256.Load(c + j);
            float* wj = w + j;
            for (int p = 0; p < k; p++, wj += n) s = Vector256.FusedMultiplyAdd(Vector256.Create(a[p]), Vector256.Load(wj), s);
            s.Store(c + j);
        }
    }

    /// <summary>
    /// C[k×n] += A[m×k]ᵀ·G[m×n]. Rows are summed in chunks of 64 that stay in cache; within a chunk each element of
    /// C is one FMA chain over the rows in order, chunk after chunk, so results are reproducible.
    /// </summary>
    public static void AccumulateTransA(ReadOnlySpan<float> a, ReadOnlySpan<float> g, Span<float> c, int m, int k, int n)
    {
        if (a.Length < m * k || g.Length < m * n || c.Length < k * n)
            throw new ArgumentException("AccumulateTransA operand shorter than its shape.");
        int jMain = n - n % Pad, tail = n - jMain;
        Span<float> gp = tail > 0 ? stackalloc float[Chunk * Pad] : default;
        fixed (float* pa = a, pg = g, pc = c, pgp = gp)
            for (int r0 = 0; r0 < m; r0 += Chunk)
            {
                int rows = Math.Min(Chunk, m - r0);
                float* ac = pa + r0 * k, gc = pg + r0 * n;
                int p = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    int j32 = jMain - jMain % 32;
                    for (; p + 8 <= k; p += 8)
                    {
                        TransRows8(ac + p, k, gc, n, j32, rows, pc + p * n);
                        TransRows4(ac + p, k, gc, n, j32, jMain, rows, pc + p * n);
                        TransRows4(ac + p + 4, k, gc, n, j32, jMain, rows, pc + (p + 4) * n);
                    }
                }
                for (; p + 4 <= k; p += 4) TransRows4(ac + p, k, gc, n, 0, jMain, rows, pc + p * n);
                for (; p < k; p++) TransRows1(ac + p, k, gc, n, jMain, rows, pc + p * n);
                if (tail == 0) continue;
                // Narrow tail (the Dense layer's 6 muscles): this chunk's last columns of G zero-padded to 8.
                gp.Clear();
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < tail; j++) pgp[r * Pad + j] = gc[r * n + jMain + j];
                for (p = 0; p < k; p++)
                {
                    Vector256<float> s = default;
                    float* cp = pc + p * n + jMain;
                    for (int j = 0; j < tail; j++) s = s.WithElement(j, cp[j]);
                    float* ap = ac + p;
                    for (int r = 0; r < rows; r++) s = Vector256.FusedMultiplyAdd(Vector256.Create(ap[r * k]), Vector256.Load(pgp + r * Pad), s);
                    for (int j = 0; j < tail; j++) cp[j] = s.GetElement(j);
                }
            }
    }

    /// <summary>Eight rows p..p+7 of C over columns [0, jEnd) (a multiple of 32): 8 × 2 Vector512 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransRows8(float* a, int k, float* g, int n, int jEnd, int rows, float* c)
    {
        for (int j = 0; j < jEnd; j += 32)
        {
            float* cj = c + j;
            var s00 = Vector512.Load(cj); var s01 = Vector512.Load(cj + 16); cj += n;
            var s10 = Vector512.Load(cj); var s11 = Vector512.Load(cj + 16); cj += n;
            var s20 = Vector512.Load(cj); var s21 = Vector512.Load(cj + 16); cj += n;
            var s30 = Vector512.Load(cj); var s31 = Vector512.Load(cj + 16); cj += n;
            var s40 = Vector512.Load(cj); var s41 = Vector512.Load(cj + 16); cj += n;
            var s50 = Vector512.Load(cj); var s51 = Vector512.Load(cj + 16); cj += n;
            var s60 = Vector512.Load(cj); var s61 = Vector512.Load(cj + 16); cj += n;
            var s70 = Vector512.Load(cj); var s71 = Vector512.Load(cj + 16);
            float* gj = g + j, ar = a;
            for (int r = 0; r < rows; r++, gj += n, ar += k)
            {
                var g0 = Vector512.Load(gj); var g1 = Vector512.Load(gj + 16);
                var b = Vector512.Create(ar[0]);
                s00 = Vector512.FusedMultiplyAdd(b, g0, s00); s01 = Vector512.FusedMultiplyAdd(b, g1, s01);
                b = Vector512.Create(ar[1]);
                s10 = Vector512.FusedMultiplyAdd(b, g0, s10); s11 = Vector512.FusedMultiplyAdd(b, g1, s11);
                b = Vector512.Create(ar[2]);
                s20 = Vector512.FusedMultiplyAdd(b, g0, s20); s21 = Vector512.FusedMultiplyAdd(b, g1, s21);
                b = Vector512.Create(ar[3]);
                s30 = Vector512.FusedMultiplyAdd(b, g0, s30); s31 = Vector512.FusedMultiplyAdd(b, g1, s31);
                b = Vector512.Create(ar[4]);
                s40 = Vector512.FusedMultiplyAdd(b, g0, s40); s41 = Vector512.FusedMultiplyAdd(b, g1, s41);
                b = Vector512.Create(ar[5]);
                s50 = Vector512.FusedMultiplyAdd(b, g0, s50); s51 = Vector512.FusedMultiplyAdd(b, g1, s51);
                b = Vector512.Create(ar[6]);
                s60 = Vector512.FusedMultiplyAdd(b, g0, s60); s61 = Vector512.FusedMultiplyAdd(b, g1, s61);
                b = Vector512.Create(ar[7]);
                s70 = Vector512.FusedMultiplyAdd(b, g0, s70); s71 = Vector512.FusedMultiplyAdd(b, g1, s71);
            }
            cj = c + j;
            s00.Store(cj); s01.Store(cj + 16); cj += n;
            s10.Store(cj); s11.Store(cj + 16); cj += n;
            s20.Store(cj); s21.Store(cj + 16); cj += n;
            s30.Store(cj); s31.Store(cj + 16); cj += n;
            s40.Store(cj); s41.Store(cj + 16); cj += n;
            s50.Store(cj); s51.Store(cj + 16); cj += n;
            s60.Store(cj); s61.Store(cj + 16); cj += n;
            s70.Store(cj); s71.Store(cj + 16);
        }
    }

    /// <summary>Four rows p..p+3 of C (a points at column p of A's chunk) over columns [j, jEnd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransRows4(float* a, int k, float* g, int n, int j, int jEnd, int rows, float* c)
    {
        float* c1 = c + n, c2 = c1 + n, c3 = c2 + n;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 32 <= jEnd; j += 32)
            {
                var s00 = Vector512.Load(c + j); var s01 = Vector512.Load(c + j + 16);
                var s10 = Vector512.Load(c1 + j); var s11 = Vector512.Load(c1 + j + 16);
                var s20 = Vector512.Load(c2 + j); var s21 = Vector512.Load(c2 + j + 16);
                var s30 = Vector512.Load(c3 + j); var s31 = Vector512.Load(c3 + j + 16);
                float* gj = g + j, ar = a;
                for (int r = 0; r < rows; r++, gj += n, ar += k)
                {
                    var g0 = Vector512.Load(gj); var g1 = Vector512.Load(gj + 16);
                    var b0 = Vector512.Create(ar[0]); var b1 = Vector512.Create(ar[1]);
                    var b2 = Vector512.Create(ar[2]); var b3 = Vector512.Create(ar[3]);
                    s00 = Vector512.FusedMultiplyAdd(b0, g0, s00); s01 = Vector512.FusedMultiplyAdd(b0, g1, s01);
                    s10 = Vector512.FusedMultiplyAdd(b1, g0, s10); s11 = Vector512.FusedMultiplyAdd(b1, g1, s11);
                    s20 = Vector512.FusedMultiplyAdd(b2, g0, s20); s21 = Vector512.FusedMultiplyAdd(b2, g1, s21);
                    s30 = Vector512.FusedMultiplyAdd(b3, g0, s30); s31 = Vector512.FusedMultiplyAdd(b3, g1, s31);
                }
                s00.Store(c + j); s01.Store(c + j + 16);
                s10.Store(c1 + j); s11.Store(c1 + j + 16);
                s20.Store(c2 + j); s21.Store(c2 + j + 16);
                s30.Store(c3 + j); s31.Store(c3 + j + 16);
            }
            for (; j + 16 <= jEnd; j += 16)
            {
                var s0 = Vector512.Load(c + j); var s1 = Vector512.Load(c1 + j);
                var s2 = Vector512.Load(c2 + j); var s3 = Vector512.Load(c3 + j);
                float* gj = g + j, ar = a;
                for (int r = 0; r < rows; r++, gj += n, ar += k)
                {
                    var gv = Vector512.Load(gj);
                    s0 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[0]), gv, s0);
                    s1 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[1]), gv, s1);
                    s2 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[2]), gv, s2);
                    s3 = Vector512.FusedMultiplyAdd(Vector512.Create(ar[3]), gv, s3);
                }
                s0.Store(c + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
            }
        }
        for (; j + 8 <= jEnd; j += 8)
        {
            var s0 = Vector256.Load(c + j); var s1 = Vector256.Load(c1 + j);
            var s2 = Vector256.Load(c2 + j); var s3 = Vector256.Load(c3 + j);
            float* gj = g + j, ar = a;
            for (int r = 0; r < rows; r++, gj += n, ar += k)
            {
                var gv = Vector256.Load(gj);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[0]), gv, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[1]), gv, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[2]), gv, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(ar[3]), gv, s3);
            }
            s0.Store(c + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
        }
    }

    /// <summary>One row p of C over columns [0, jEnd) (jEnd a multiple of 8).</summary>
    private static void TransRows1(float* a, int k, float* g, int n, int jEnd, int rows, float* c)
    {
        for (int j = 0; j < jEnd; j += 8)
        {
            var s = Vector256.Load(c + j);
            float* gj = g + j, ar = a;
            for (int r = 0; r < rows; r++, gj += n, ar += k) s = Vector256.FusedMultiplyAdd(Vector256.Create(ar[0]), Vector256.Load(gj), s);
            s.Store(c + j);
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
}
