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
        if (k == 0) return;
        int tail = n % Pad;
        float[]? rented = null;
        Span<float> wp = tail == 0 ? default : k * Pad <= 4096 ? stackalloc float[k * Pad] : (rented = new float[k * Pad]);
        fixed (float* pa = a, pw = w, pc = c, pwp = wp)
            // Row i of A at depth p is a[i·k + p].
            Product(pa, k, 1, k, pw, n, m, pc, pwp);
        GC.KeepAlive(rented);
    }

    /// <summary>
    /// C[k×n] += A[m×k]ᵀ·G[m×n]. Rows are summed in chunks of 64 that stay in cache; within a chunk each element of
    /// C is one FMA chain over the rows in order, chunk after chunk, so results are reproducible.
    /// </summary>
    public static void AccumulateTransA(ReadOnlySpan<float> a, ReadOnlySpan<float> g, Span<float> c, int m, int k, int n)
    {
        if (a.Length < m * k || g.Length < m * n || c.Length < k * n)
            throw new ArgumentException("AccumulateTransA operand shorter than its shape.");
        Span<float> gp = n % Pad > 0 ? stackalloc float[Chunk * Pad] : default;
        fixed (float* pa = a, pg = g, pc = c, pgp = gp)
            for (int r0 = 0; r0 < m; r0 += Chunk)
                // Row p of Aᵀ at depth r is a[r·k + p]: this chunk's rows are the depth.
                Product(pa + r0 * k, 1, k, Math.Min(Chunk, m - r0), pg + r0 * n, n, k, pc, pgp);
    }

    /// <summary>
    /// C[rows×n] += Σ_d A(i, d)·B[d, :] for d = 0..depth−1 in order, with A(i, d) = a[i·rowStride + d·depthStride]
    /// (A or its transpose, read in place) and B row-major with n columns. Tiles of 8 rows × 32 columns (Vector512),
    /// then 4 rows, then single rows; columns past the last multiple of 8 go through <paramref name="padded"/>
    /// (depth × 8 floats, B's last columns zero-padded) as one Vector256.
    /// </summary>
    private static void Product(float* a, int rowStride, int depthStride, int depth, float* b, int n, int rows, float* c, float* padded)
    {
        int jMain = n - n % Pad;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // 8 rows × 32 columns (16 accumulators of the 32 registers): each loaded row of B serves 8 rows of A.
            int j32 = jMain - jMain % 32;
            for (; i + 8 <= rows; i += 8)
            {
                Tile8(a + i * rowStride, rowStride, depthStride, depth, b, n, j32, c + i * n);
                Tile4(a + i * rowStride, rowStride, depthStride, depth, b, n, j32, jMain, c + i * n);
                Tile4(a + (i + 4) * rowStride, rowStride, depthStride, depth, b, n, j32, jMain, c + (i + 4) * n);
            }
        }
        for (; i + 4 <= rows; i += 4) Tile4(a + i * rowStride, rowStride, depthStride, depth, b, n, 0, jMain, c + i * n);
        for (; i < rows; i++) Tile1(a + i * rowStride, depthStride, depth, b, n, jMain, c + i * n);
        int tail = n - jMain;
        if (tail == 0) return;
        // Narrow tail (the Dense layer's 6 muscles): B's last columns zero-padded to 8 so they run as one vector per row.
        new Span<float>(padded, depth * Pad).Clear();
        for (int d = 0; d < depth; d++)
            for (int j = 0; j < tail; j++) padded[d * Pad + j] = b[d * n + jMain + j];
        for (i = 0; i < rows; i++)
        {
            Vector256<float> s = default;
            float* ci = c + i * n + jMain;
            for (int j = 0; j < tail; j++) s = s.WithElement(j, ci[j]);
            float* ai = a + i * rowStride;
            for (int d = 0; d < depth; d++) s = Vector256.FusedMultiplyAdd(Vector256.Create(ai[d * depthStride]), Vector256.Load(padded + d * Pad), s);
            for (int j = 0; j < tail; j++) ci[j] = s.GetElement(j);
        }
    }

    /// <summary>Eight rows of C over columns [0, jEnd) (a multiple of 32): 8 × 2 Vector512 accumulators per tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8(float* a, int rowStride, int depthStride, int depth, float* b, int n, int jEnd, float* c)
    {
        int r1 = rowStride, r2 = 2 * rowStride, r3 = 3 * rowStride, r4 = 4 * rowStride, r5 = 5 * rowStride, r6 = 6 * rowStride, r7 = 7 * rowStride;
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
            float* bj = b + j, ad = a;
            for (int d = 0; d < depth; d++, bj += n, ad += depthStride)
            {
                var b0 = Vector512.Load(bj); var b1 = Vector512.Load(bj + 16);
                var x = Vector512.Create(ad[0]);
                s00 = Vector512.FusedMultiplyAdd(x, b0, s00); s01 = Vector512.FusedMultiplyAdd(x, b1, s01);
                x = Vector512.Create(ad[r1]);
                s10 = Vector512.FusedMultiplyAdd(x, b0, s10); s11 = Vector512.FusedMultiplyAdd(x, b1, s11);
                x = Vector512.Create(ad[r2]);
                s20 = Vector512.FusedMultiplyAdd(x, b0, s20); s21 = Vector512.FusedMultiplyAdd(x, b1, s21);
                x = Vector512.Create(ad[r3]);
                s30 = Vector512.FusedMultiplyAdd(x, b0, s30); s31 = Vector512.FusedMultiplyAdd(x, b1, s31);
                x = Vector512.Create(ad[r4]);
                s40 = Vector512.FusedMultiplyAdd(x, b0, s40); s41 = Vector512.FusedMultiplyAdd(x, b1, s41);
                x = Vector512.Create(ad[r5]);
                s50 = Vector512.FusedMultiplyAdd(x, b0, s50); s51 = Vector512.FusedMultiplyAdd(x, b1, s51);
                x = Vector512.Create(ad[r6]);
                s60 = Vector512.FusedMultiplyAdd(x, b0, s60); s61 = Vector512.FusedMultiplyAdd(x, b1, s61);
                x = Vector512.Create(ad[r7]);
                s70 = Vector512.FusedMultiplyAdd(x, b0, s70); s71 = Vector512.FusedMultiplyAdd(x, b1, s71);
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
    private static void Tile4(float* a, int rowStride, int depthStride, int depth, float* b, int n, int j, int jEnd, float* c)
    {
        int r1 = rowStride, r2 = 2 * rowStride, r3 = 3 * rowStride;
        float* c1 = c + n, c2 = c1 + n, c3 = c2 + n;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 32 <= jEnd; j += 32)
            {
                var s00 = Vector512.Load(c + j); var s01 = Vector512.Load(c + j + 16);
                var s10 = Vector512.Load(c1 + j); var s11 = Vector512.Load(c1 + j + 16);
                var s20 = Vector512.Load(c2 + j); var s21 = Vector512.Load(c2 + j + 16);
                var s30 = Vector512.Load(c3 + j); var s31 = Vector512.Load(c3 + j + 16);
                float* bj = b + j, ad = a;
                for (int d = 0; d < depth; d++, bj += n, ad += depthStride)
                {
                    var b0 = Vector512.Load(bj); var b1 = Vector512.Load(bj + 16);
                    var x0 = Vector512.Create(ad[0]); var x1 = Vector512.Create(ad[r1]);
                    var x2 = Vector512.Create(ad[r2]); var x3 = Vector512.Create(ad[r3]);
                    s00 = Vector512.FusedMultiplyAdd(x0, b0, s00); s01 = Vector512.FusedMultiplyAdd(x0, b1, s01);
                    s10 = Vector512.FusedMultiplyAdd(x1, b0, s10); s11 = Vector512.FusedMultiplyAdd(x1, b1, s11);
                    s20 = Vector512.FusedMultiplyAdd(x2, b0, s20); s21 = Vector512.FusedMultiplyAdd(x2, b1, s21);
                    s30 = Vector512.FusedMultiplyAdd(x3, b0, s30); s31 = Vector512.FusedMultiplyAdd(x3, b1, s31);
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
                float* bj = b + j, ad = a;
                for (int d = 0; d < depth; d++, bj += n, ad += depthStride)
                {
                    var bv = Vector512.Load(bj);
                    s0 = Vector512.FusedMultiplyAdd(Vector512.Create(ad[0]), bv, s0);
                    s1 = Vector512.FusedMultiplyAdd(Vector512.Create(ad[r1]), bv, s1);
                    s2 = Vector512.FusedMultiplyAdd(Vector512.Create(ad[r2]), bv, s2);
                    s3 = Vector512.FusedMultiplyAdd(Vector512.Create(ad[r3]), bv, s3);
                }
                s0.Store(c + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
            }
        }
        for (; j + 8 <= jEnd; j += 8)
        {
            var s0 = Vector256.Load(c + j); var s1 = Vector256.Load(c1 + j);
            var s2 = Vector256.Load(c2 + j); var s3 = Vector256.Load(c3 + j);
            float* bj = b + j, ad = a;
            for (int d = 0; d < depth; d++, bj += n, ad += depthStride)
            {
                var bv = Vector256.Load(bj);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(ad[0]), bv, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(ad[r1]), bv, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(ad[r2]), bv, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(ad[r3]), bv, s3);
            }
            s0.Store(c + j); s1.Store(c1 + j); s2.Store(c2 + j); s3.Store(c3 + j);
        }
    }

    /// <summary>One row of C over columns [0, jEnd) (jEnd a multiple of 8).</summary>
    private static void Tile1(float* a, int depthStride, int depth, float* b, int n, int jEnd, float* c)
    {
        for (int j = 0; j < jEnd; j += 8)
        {
            var s = Vector256.Load(c + j);
            float* bj = b + j, ad = a;
            for (int d = 0; d < depth; d++, bj += n, ad += depthStride) s = Vector256.FusedMultiplyAdd(Vector256.Create(ad[0]), Vector256.Load(bj), s);
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
