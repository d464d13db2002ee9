using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnOnnx.Kernels;

/// <summary>
/// Single-precision GEMM, C (+)= op(A)·op(B), row-major with leading dimensions, in the Goto/BLIS scheme:
/// op(B) is packed into NR-wide column slivers, op(A) into MR-tall row slivers of a KC-deep block, and an
/// MR×NR register-blocked FMA micro-kernel (Vector512 where the CPU has it, else Vector256) does the work.
/// Operands used by few micro-tiles are read in place instead: packing them would cost as much as using them.
/// Every element of C is accumulated in the same k order whatever the thread count, so results are
/// bit-identical with 1 or N threads.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>
    /// Rows per micro-tile: 8 with Vector512 (16 of its 32 registers accumulate; the trainer's 16 or 32 batch rows per
    /// core fill whole tiles), 6 with Vector256's 16 registers (12 accumulate).
    /// </summary>
    public static readonly int MR = Vector512.IsHardwareAccelerated ? 8 : 6;

    /// <summary>Columns per micro-tile: two SIMD registers wide.</summary>
    public static readonly int NR = Vector512.IsHardwareAccelerated ? 32 : 16;

    private const int KC = 256;
    private const int MC = 120;

    /// <summary>
    /// A row-major B is packed only when at least this many rows of op(A) reuse it (MR rows per use): below, the copy
    /// costs more than the cache locality it buys (the weight gradients ∂W = Xᵀ·∂G read the gate gradients once).
    /// </summary>
    private const int PackBRows = 256;

    /// <summary>What C starts from in a product that does not accumulate and has no row-init: NR zeros.</summary>
    private static readonly float[] ZeroRow = GC.AllocateArray<float>(32, pinned: true);

    /// <summary>Below this many multiply-adds a split across threads costs more than it saves.</summary>
    private const long ParallelThreshold = 1L << 18;

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static PackedMatrix? t_packB;
    [ThreadStatic] private static ParallelJob? t_job;

    /// <summary>
    /// C[m×n] = (accumulate ? C : 0) + op(A)·op(B), where op(A) is m×k (A is k×m when <paramref name="transA"/>)
    /// and op(B) is k×n (B is n×k when <paramref name="transB"/>). Uses all allowed threads when the product is large.
    /// Without <paramref name="accumulate"/>, a non-null <paramref name="rowInit"/> (n values) starts every row of C
    /// instead of zero: a bias added for free, inside the parallel product rather than as another pass over C.
    /// </summary>
    public static void Multiply(float* a, int lda, bool transA, float* b, int ldb, bool transB,
                                float* c, int ldc, int m, int n, int k, bool accumulate, float* rowInit = null)
    {
        if (!transB && n % NR == 0 && m < PackBRows)
        {
            Multiply(a, lda, transA, new PanelB(b, NR, ldb, k, n), c, ldc, m, accumulate, rowInit);
            return;
        }
        var packed = t_packB ??= new PackedMatrix();
        packed.Pack(b, ldb, transB, k, n);
        Multiply(a, lda, transA, packed, c, ldc, m, accumulate, rowInit);
    }

    /// <summary>C[m×n] (+)= op(A)·B with B already packed (the recurrent weights, packed once per sequence).</summary>
    public static void Multiply(float* a, int lda, bool transA, PackedMatrix b, float* c, int ldc, int m, bool accumulate, float* rowInit = null)
    {
        fixed (float* data = b.Data)
            Multiply(a, lda, transA, new PanelB(data, (long)b.Depth * NR, NR, b.Depth, b.Columns), c, ldc, m, accumulate, rowInit);
    }

    private static void Multiply(float* a, int lda, bool transA, PanelB b, float* c, int ldc, int m, bool accumulate, float* rowInit)
    {
        int n = b.Columns, k = b.Depth;
        if (m == 0 || n == 0) return;
        int parts = WorkSplitter.Threads;
        if (parts > 1 && (long)m * n * k >= ParallelThreshold)
        {
            var job = t_job ??= new ParallelJob();
            job.Set(a, lda, transA, b, c, ldc, m, accumulate, rowInit, parts);
            WorkSplitter.Run(parts, job.Body);
            return;
        }
        MultiplySerial(a, lda, transA, b, 0, b.Slivers, c, ldc, m, accumulate, rowInit);
    }

    /// <summary>Rows of C over slivers [s0, s1) of B, on the calling thread.</summary>
    private static void MultiplySerial(float* a, int lda, bool transA, PanelB b, int s0, int s1,
                                       float* c, int ldc, int m, bool accumulate, float* rowInit = null)
    {
        int n = b.Columns, k = b.Depth, nr = NR;
        if (s0 >= s1 || m == 0) return;
        int colStart = s0 * nr, colEnd = Math.Min(s1 * nr, n);
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++)
                {
                    var row = new Span<float>(c + (long)i * ldc + colStart, colEnd - colStart);
                    if (rowInit is null) row.Clear();
                    else new ReadOnlySpan<float>(rowInit + colStart, colEnd - colStart).CopyTo(row);
                }
            return;
        }

        int packLength = ((MC + MR - 1) / MR) * MR * KC;
        var packA = t_packA;
        if (packA is null || packA.Length < packLength) t_packA = packA = GC.AllocateUninitializedArray<float>(packLength, pinned: true);

        // A row-major op(A) of few rows is read in place: packing it would cost as much as the product itself
        // (the recurrent step multiplies 16–32 rows per core at every time step). The k order is the same either way.
        bool packing = transA || m > MC;
        fixed (float* ap0 = packA)
        fixed (float* zeros = ZeroRow)
        {
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    if (packing) PackA(a, lda, transA, ic, pc, mc, kc, ap0);
                    for (int s = s0; s < s1; s++)
                    {
                        float* bs = b.Data + s * b.SliverStride + pc * b.DepthStride;
                        int cols = Math.Min(nr, n - s * nr);
                        for (int ir = 0; ir < mc; ir += MR)
                        {
                            float* cTile = c + (long)(ic + ir) * ldc + s * nr;
                            int rows = Math.Min(MR, mc - ir);
                            var tile = packing
                                ? new TileA(ap0 + ir * kc, 1, MR)
                                : new TileA(a + (long)(ic + ir) * lda + pc, lda, 1);
                            // The first depth block writes C = start + sum (bias or zero) instead of clearing C in a pass of its own.
                            float* start = accumulate || pc > 0 ? null : rowInit is null ? zeros : rowInit + s * nr;
                            if (nr == 32) Kernel512(kc, tile, rows, bs, b.DepthStride, cTile, ldc, cols, start);
                            else Kernel256(kc, tile, rows, bs, b.DepthStride, cTile, ldc, cols, start);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Where the micro-kernel reads its MR rows of A: element (r, p) is at <c>Start[r·RowStride + p·DepthStride]</c>
    /// (a packed sliver: 1, MR; a row-major matrix read in place: lda, 1).
    /// </summary>
    private readonly struct TileA(float* start, long rowStride, long depthStride)
    {
        public float* Start { get; } = start;
        public long RowStride { get; } = rowStride;
        public long DepthStride { get; } = depthStride;

        /// <summary>Row r's first element; rows past the tile's real ones repeat row 0 (their sums are discarded).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float* Row(int r, int rows) => r < rows ? Start + r * RowStride : Start;
    }

    /// <summary>
    /// Where the micro-kernel reads B: the NR columns of sliver s at depth p start at <c>Data[s·SliverStride + p·DepthStride]</c>
    /// (packed: k·NR, NR; a row-major matrix read in place, whose width is a multiple of NR: NR, ldb).
    /// </summary>
    private readonly struct PanelB(float* data, long sliverStride, long depthStride, int depth, int columns)
    {
        public float* Data { get; } = data;
        public long SliverStride { get; } = sliverStride;
        public long DepthStride { get; } = depthStride;
        public int Depth { get; } = depth;
        public int Columns { get; } = columns;
        public int Slivers => (Columns + NR - 1) / NR;
    }

    /// <summary>Packs rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into MR-tall slivers, zero-padding the last.</summary>
    private static void PackA(float* a, int lda, bool transA, int i0, int p0, int mc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int rows = Math.Min(MR, mc - ir);
            float* sliver = dst + ir * kc;
            if (!transA)
            {
                for (int r = 0; r < MR; r++)
                {
                    if (r < rows)
                    {
                        float* src = a + (long)(i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++) sliver[p * MR + r] = src[p];
                    }
                    else for (int p = 0; p < kc; p++) sliver[p * MR + r] = 0f;
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(p0 + p) * lda + i0 + ir;
                    float* d = sliver + p * MR;
                    if (rows == 8) { Vector256.Load(src).Store(d); continue; }   // the common case (the weight gradients' Hᵀ, Xᵀ) without a scalar loop
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < MR; r++) d[r] = 0f;
                }
            }
        }
    }

    // Micro-kernels: C[rows×cols] += Σ_p a[0..MR),p ⊗ b[p,0..NR) (row p of B at b + p·ldb) — one broadcast of A and
    // two FMAs per row and p.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(int kc, TileA a, int rows, float* b, long ldb, float* c, int ldc, int cols, float* start)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        float* a0 = a.Row(0, rows), a1 = a.Row(1, rows), a2 = a.Row(2, rows), a3 = a.Row(3, rows);
        float* a4 = a.Row(4, rows), a5 = a.Row(5, rows), a6 = a.Row(6, rows), a7 = a.Row(7, rows);
        long step = a.DepthStride, q = 0;
        for (int p = 0; p < kc; p++, q += step, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a0[q]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[q]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[q]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[q]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[q]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[q]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[q]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[q]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        if (cols == 32)
        {
            // Full-width tiles (the common edge: a batch slice that is not a multiple of MR rows) stay vectorised.
            AddTo512(c, start, c00, c01);
            if (rows > 1) AddTo512(c + ldc, start, c10, c11);
            if (rows > 2) AddTo512(c + 2 * ldc, start, c20, c21);
            if (rows > 3) AddTo512(c + 3 * ldc, start, c30, c31);
            if (rows > 4) AddTo512(c + 4 * ldc, start, c40, c41);
            if (rows > 5) AddTo512(c + 5 * ldc, start, c50, c51);
            if (rows > 6) AddTo512(c + 6 * ldc, start, c60, c61);
            if (rows > 7) AddTo512(c + 7 * ldc, start, c70, c71);
            return;
        }
        float* tile = stackalloc float[8 * 32];
        c00.Store(tile); c01.Store(tile + 16); c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80); c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144); c50.Store(tile + 160); c51.Store(tile + 176);
        c60.Store(tile + 192); c61.Store(tile + 208); c70.Store(tile + 224); c71.Store(tile + 240);
        AddTile(tile, 32, c, ldc, rows, cols, start);
    }

    /// <summary>C row = (start ?? C row) + the two accumulators: one add either way, so both give the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo512(float* c, float* start, Vector512<float> lo, Vector512<float> hi)
    {
        float* from = start is null ? c : start;
        (Vector512.Load(from) + lo).Store(c);
        (Vector512.Load(from + 16) + hi).Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(int kc, TileA a, int rows, float* b, long ldb, float* c, int ldc, int cols, float* start)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a0 = a.Row(0, rows), a1 = a.Row(1, rows), a2 = a.Row(2, rows), a3 = a.Row(3, rows), a4 = a.Row(4, rows), a5 = a.Row(5, rows);
        long step = a.DepthStride, q = 0;
        for (int p = 0; p < kc; p++, q += step, b += ldb)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a0[q]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[q]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[q]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[q]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[q]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[q]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }
        float* tile = stackalloc float[6 * 16];
        c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72); c50.Store(tile + 80); c51.Store(tile + 88);
        AddTile(tile, 16, c, ldc, rows, cols, start);
    }

    private static void AddTile(float* tile, int width, float* c, int ldc, int rows, int cols, float* start)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                float* cell = c + (long)r * ldc + j;
                *cell = (start is null ? *cell : start[j]) + tile[r * width + j];
            }
    }

    /// <summary>Arguments of one multi-threaded product; one per calling thread so calls never share it.</summary>
    private sealed class ParallelJob
    {
        private float* _a, _c, _rowInit;
        private int _lda, _ldc, _m, _parts;
        private bool _transA, _accumulate, _splitColumns;
        private PanelB _b;
        public readonly Action<int> Body;

        public ParallelJob() => Body = RunPart;

        public void Set(float* a, int lda, bool transA, PanelB b, float* c, int ldc, int m, bool accumulate, float* rowInit, int parts)
        {
            _rowInit = rowInit;
            _a = a; _c = c;
            (_lda, _transA, _b, _ldc, _m, _accumulate, _parts) = (lda, transA, b, ldc, m, accumulate, parts);
            // Split rows when there are enough row tiles: each part then streams the shared packed B once and packs
            // only its own rows of A. Columns only when rows are few (the weight gradients, m = input width or H):
            // measured on the trainer's shapes, a column split of a tall product was 2–3× slower than a row split.
            int rowTiles = (m + MR - 1) / MR;
            _splitColumns = rowTiles < 4 * parts && b.Slivers >= rowTiles;
        }

        private void RunPart(int part)
        {
            var b = _b;
            if (_splitColumns)
            {
                var (s0, s1) = WorkSplitter.Range(b.Slivers, _parts, part);
                MultiplySerial(_a, _lda, _transA, b, s0, s1, _c, _ldc, _m, _accumulate, _rowInit);
            }
            else
            {
                var (r0, r1) = WorkSplitter.Range(_m, _parts, part, MR);
                float* a = _transA ? _a + r0 : _a + (long)r0 * _lda;
                MultiplySerial(a, _lda, _transA, b, 0, b.Slivers, _c + (long)r0 * _ldc, _ldc, r1 - r0, _accumulate, _rowInit);
            }
        }
    }
}
