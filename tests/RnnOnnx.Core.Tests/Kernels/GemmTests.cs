using System.Globalization;
using System.Runtime.InteropServices;
using RnnOnnx.Kernels;
using RnnOnnx.Randomness;

namespace RnnOnnx.Tests.Kernels;

/// <summary>Which entry point of <see cref="Gemm"/> a check goes through.</summary>
public enum GemmEntry
{
    /// <summary>The overload that takes B as a pointer and packs it itself.</summary>
    Unpacked,

    /// <summary>The overload that takes a <see cref="PackedMatrix"/> (packed here, after a larger matrix, to catch stale data).</summary>
    Packed,
}

/// <summary>
/// Builds strided operands with guard zones, runs <see cref="Gemm.Multiply(float*, int, bool, float*, int, bool, float*, int, int, int, int, bool)"/>
/// or its packed overload, and checks the result against a float64 triple loop.
/// </summary>
internal static unsafe class GemmHarness
{
    /// <summary>Floats before and after every matrix; the kernel must neither read (A, B) nor write (C) them.</summary>
    public const int Guard = 37;

    /// <summary>
    /// What C holds outside the m×n region; must be untouched, bit for bit. Negative zero, because the zero-padded
    /// packs make a stray <c>c += tile</c> past the edge add +0, which turns -0 into +0 (any other value would survive it).
    /// </summary>
    public const float Sentinel = -0f;

    /// <summary>Relative tolerance against Σ|a||b| (+|c₀| when accumulating) per element.</summary>
    public const double Tolerance = 1e-5;

    public sealed record Operands(int M, int N, int K, float[] A, float[] B, float[] C0);

    /// <summary>Logical op(A) (m×k), op(B) (k×n) and initial C (m×n), uniform in [-1, 1).</summary>
    public static Operands Random(int m, int n, int k, ulong seed)
    {
        var rng = new Rng(seed);
        float[] Fill(int length)
        {
            var x = new float[length];
            for (int i = 0; i < x.Length; i++) x[i] = 2f * rng.NextSingle() - 1f;
            return x;
        }
        return new Operands(m, n, k, Fill(m * k), Fill(k * n), Fill(m * n));
    }

    /// <summary>A strided copy of a logical rows×cols matrix (stored transposed when <paramref name="trans"/>).</summary>
    public sealed class Strided
    {
        public required float[] Buffer { get; init; }
        public required int Ld { get; init; }
        public required int StoredRows { get; init; }
        public required int StoredCols { get; init; }

        public int Index(int storedRow, int storedCol) => Guard + storedRow * Ld + storedCol;
    }

    /// <summary>Lays out <paramref name="logical"/> (rows×cols) with leading dimension width + <paramref name="pad"/>; everything else is <paramref name="fill"/>.</summary>
    public static Strided Layout(float[] logical, int rows, int cols, bool trans, int pad, float fill)
    {
        int storedRows = trans ? cols : rows, storedCols = trans ? rows : cols;
        int ld = storedCols + pad;
        var s = new Strided { Buffer = new float[2 * Guard + storedRows * ld], Ld = ld, StoredRows = storedRows, StoredCols = storedCols };
        Array.Fill(s.Buffer, fill);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                s.Buffer[trans ? s.Index(j, i) : s.Index(i, j)] = logical[i * cols + j];
        return s;
    }

    /// <summary>C = (accumulate ? C₀ : 0) + op(A)·op(B) in float64, and the per-element error scale.</summary>
    public static (double[] Expected, double[] Scale) Reference(Operands o, bool accumulate)
    {
        int m = o.M, n = o.N, k = o.K;
        var expected = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? o.C0[i * n + j] : 0.0, abs = accumulate ? Math.Abs(o.C0[i * n + j]) : 0.0;
                for (int p = 0; p < k; p++)
                {
                    double prod = (double)o.A[i * k + p] * o.B[p * n + j];
                    sum += prod;
                    abs += Math.Abs(prod);
                }
                expected[i * n + j] = sum;
                scale[i * n + j] = abs;
            }
        return (expected, scale);
    }

    /// <summary>
    /// Runs one product with A and B padded by NaN outside their regions (a stray read poisons the result) and C padded
    /// by <see cref="Sentinel"/>; C's own region starts as C₀ when accumulating, else as NaN (it must be overwritten,
    /// not scaled by zero). Returns the strided C.
    /// </summary>
    public static Strided Run(Operands o, bool transA, bool transB, bool accumulate, int pad, GemmEntry entry)
    {
        var a = Layout(o.A, o.M, o.K, transA, pad, float.NaN);
        var b = Layout(o.B, o.K, o.N, transB, pad + 1, float.NaN);
        var c = Layout(accumulate ? o.C0 : Filled(o.M * o.N, float.NaN), o.M, o.N, false, pad + 2, Sentinel);
        Multiply(a, transA, b, transB, c, o, accumulate, entry);
        return c;
    }

    public static void Multiply(Strided a, bool transA, Strided b, bool transB, Strided c, Operands o, bool accumulate, GemmEntry entry)
    {
        fixed (float* pa = a.Buffer)
        fixed (float* pb = b.Buffer)
        fixed (float* pc = c.Buffer)
        {
            float* a0 = pa + Guard, b0 = pb + Guard, c0 = pc + Guard;
            if (entry == GemmEntry.Unpacked)
            {
                Gemm.Multiply(a0, a.Ld, transA, b0, b.Ld, transB, c0, c.Ld, o.M, o.N, o.K, accumulate);
                return;
            }
            var packed = new PackedMatrix();
            // Pack something larger first so that the buffer is reused with leftovers in it.
            var big = Random(1, o.N + 40, o.K + 9, 99).B;
            packed.Pack(big, o.N + 40, false, o.K + 9, o.N + 40);
            packed.Pack(b0, b.Ld, transB, o.K, o.N);
            Assert.Equal(o.K, packed.Depth);
            Assert.Equal(o.N, packed.Columns);
            Gemm.Multiply(a0, a.Ld, transA, packed, c0, c.Ld, o.M, accumulate);
        }
    }

    public static float[] Filled(int length, float value)
    {
        var x = new float[length];
        Array.Fill(x, value);
        return x;
    }

    /// <summary>Checks C's region against the reference and that nothing outside it changed.</summary>
    public static void Check(Strided c, Operands o, double[] expected, double[] scale, string what)
    {
        int m = o.M, n = o.N;
        for (int idx = 0; idx < c.Buffer.Length; idx++)
        {
            int rel = idx - Guard;
            int row = rel >= 0 ? rel / c.Ld : -1, col = rel >= 0 ? rel % c.Ld : -1;
            bool inside = rel >= 0 && row < m && col < n;
            float got = c.Buffer[idx];
            if (!inside)
            {
                if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(Sentinel))
                    Assert.Fail(Invariant($"{what}: C[{idx - Guard}] outside the {m}×{n} region (ld {c.Ld}) was written: {got}"));
                continue;
            }
            double want = expected[row * n + col], err = Math.Abs(got - want), tol = Tolerance * scale[row * n + col];
            if (!(err <= tol))
                Assert.Fail(Invariant($"{what}: C[{row},{col}] = {got}, expected {want} (error {err:G3}, tolerance {tol:G3})"));
        }
    }

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Bit patterns of C's m×n region.</summary>
    public static int[] Bits(Strided c, int m, int n)
    {
        var bits = new int[m * n];
        for (int i = 0; i < m; i++)
            MemoryMarshal.Cast<float, int>(c.Buffer.AsSpan(c.Index(i, 0), n)).CopyTo(bits.AsSpan(i * n, n));
        return bits;
    }
}

/// <summary><see cref="Gemm"/> against a float64 triple loop: transposes, accumulation, strides, awkward and empty sizes.</summary>
public class GemmTests
{
    // Every size of {1, 5, 6, 7, 31, 32, 33, 97, 130, 257, 300} appears as m, as n and as k; together they cross
    // MR (6), NR (16/32), MC (120) and KC (256) boundaries and leave partial micro-tiles in both directions.
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (5, 7, 6), (6, 32, 5), (7, 33, 31), (31, 1, 97), (32, 5, 130), (33, 97, 7), (97, 31, 33),
        (130, 6, 257), (257, 33, 1), (300, 130, 32), (1, 300, 257), (6, 257, 300), (33, 130, 300),
        // Widths that are whole slivers: a row-major B is read in place below 256 rows of op(A), packed from 256 on.
        (9, 64, 300), (33, 128, 513), (255, 96, 40), (256, 96, 40),
    ];

    public static TheoryData<int, int, int, bool, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool, bool>();
        foreach (var (m, n, k) in Shapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        data.Add(m, n, k, transA, transB, accumulate);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_matches_float64_reference(int m, int n, int k, bool transA, bool transB, bool accumulate)
    {
        var o = GemmHarness.Random(m, n, k, (ulong)(m * 1_000_003 + n * 1009 + k));
        var (expected, scale) = GemmHarness.Reference(o, accumulate);
        foreach (var entry in new[] { GemmEntry.Unpacked, GemmEntry.Packed })
            foreach (int pad in new[] { 0, 5 })
            {
                var c = GemmHarness.Run(o, transA, transB, accumulate, pad, entry);
                GemmHarness.Check(c, o, expected, scale,
                    GemmHarness.Invariant($"{entry} {m}×{n}×{k} transA={transA} transB={transB} acc={accumulate} pad={pad}"));
            }
    }

    public static TheoryData<int, int, int, bool, bool> EmptyCases()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (m, n, k) in new[] { (0, 5, 7), (5, 0, 7), (5, 7, 0), (0, 0, 0), (33, 40, 0), (0, 40, 33), (33, 0, 40) })
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(m, n, k, transA, transB);
        return data;
    }

    /// <summary>m or n = 0 leaves C alone; k = 0 gives C = 0 (or C unchanged when accumulating).</summary>
    [Theory]
    [MemberData(nameof(EmptyCases))]
    public void Empty_dimensions(int m, int n, int k, bool transA, bool transB)
    {
        var o = GemmHarness.Random(m, n, k, 7);
        foreach (bool accumulate in new[] { false, true })
            foreach (var entry in new[] { GemmEntry.Unpacked, GemmEntry.Packed })
                foreach (int pad in new[] { 0, 3 })
                {
                    var c = GemmHarness.Run(o, transA, transB, accumulate, pad, entry);
                    string what = GemmHarness.Invariant($"{entry} {m}×{n}×{k} transA={transA} transB={transB} acc={accumulate} pad={pad}");
                    // Exact: with k = 0 the result is C₀ (accumulate) or 0; with m or n = 0 there is no region.
                    var (expected, scale) = GemmHarness.Reference(o, accumulate);
                    GemmHarness.Check(c, o, expected, scale, what);
                    if (k == 0 && m > 0 && n > 0)
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++)
                                Assert.Equal(accumulate ? o.C0[i * n + j] : 0f, c.Buffer[c.Index(i, j)]);
                }
    }

    /// <summary>The same packed B serves many products (the recurrent weights are packed once per sequence).</summary>
    [Fact]
    public unsafe void Packed_matrix_is_reusable_across_products_and_row_blocks()
    {
        const int m = 40, n = 70, k = 45;
        var o = GemmHarness.Random(m, n, k, 3);
        var (expected, scale) = GemmHarness.Reference(o, accumulate: false);
        var packed = new PackedMatrix();
        packed.Pack(o.B, n, false, k, n);
        var c = new float[m * n];
        fixed (float* pa = o.A)
        fixed (float* pc = c)
        {
            // Row blocks as the recurrent layers use them: each part multiplies its own rows by the shared packed B.
            foreach (var (r0, r1) in new[] { (0, 13), (13, 14), (14, 40) })
                Gemm.Multiply(pa + r0 * k, k, false, packed, pc + r0 * n, n, r1 - r0, accumulate: false);
        }
        for (int i = 0; i < m * n; i++)
            Assert.True(Math.Abs(c[i] - expected[i]) <= GemmHarness.Tolerance * scale[i], GemmHarness.Invariant($"element {i}: {c[i]} vs {expected[i]}"));
    }
}

/// <summary>Products large enough for the parallel path give the same bits with any thread count.</summary>
[Collection("Threads")]
public class GemmThreadTests
{
    /// <summary>Gemm's ParallelThreshold (private): products at least this large are split when MaxThreads &gt; 1.</summary>
    private const long ParallelThreshold = 1L << 18;

    public static TheoryData<int, int, int, bool, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool, bool>();
        // 300×257: enough slivers → column split. 2000×3: one sliver → row split (2000 is not a multiple of MR).
        // 3×2000: one row tile, many slivers → column split. 2600×40×3: three slivers at most, many row tiles → row split.
        // 40×256×200: whole slivers and few rows → B read in place, column split.
        foreach (var (m, n, k) in new[] { (300, 257, 200), (2000, 3, 50), (3, 2000, 50), (2600, 40, 3), (40, 256, 200) })
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(m, n, k, transA, transB, transA ^ transB);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Results_are_bit_identical_whatever_the_thread_count(int m, int n, int k, bool transA, bool transB, bool accumulate)
    {
        Assert.True((long)m * n * k >= ParallelThreshold, "the case must be large enough for the parallel path");
        var o = GemmHarness.Random(m, n, k, 11);
        int saved = Compute.MaxThreads;
        try
        {
            var (expected, scale) = GemmHarness.Reference(o, accumulate);
            foreach (var entry in new[] { GemmEntry.Unpacked, GemmEntry.Packed })
            {
                Compute.MaxThreads = 1;
                var serial = GemmHarness.Run(o, transA, transB, accumulate, 3, entry);
                GemmHarness.Check(serial, o, expected, scale, GemmHarness.Invariant($"{entry} 1 thread"));
                var serialBits = GemmHarness.Bits(serial, m, n);
                foreach (int threads in new[] { 2, 3 })
                {
                    Compute.MaxThreads = threads;
                    var parallel = GemmHarness.Run(o, transA, transB, accumulate, 3, entry);
                    string what = GemmHarness.Invariant($"{entry} {m}×{n}×{k} transA={transA} transB={transB} acc={accumulate}, {threads} threads");
                    GemmHarness.Check(parallel, o, expected, scale, what);
                    Assert.True(serialBits.AsSpan().SequenceEqual(GemmHarness.Bits(parallel, m, n)), what + ": differs from 1 thread");
                }
            }
        }
        finally
        {
            Compute.MaxThreads = saved;
        }
    }

    [Fact]
    public void MaxThreads_below_one_is_rejected()
    {
        int saved = Compute.MaxThreads;
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => Compute.MaxThreads = 0);
            Assert.Equal(saved, Compute.MaxThreads);
        }
        finally
        {
            Compute.MaxThreads = saved;
        }
    }
}
