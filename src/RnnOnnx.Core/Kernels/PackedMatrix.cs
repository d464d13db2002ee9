namespace RnnOnnx.Kernels;

/// <summary>
/// The right-hand operand of a GEMM packed into NR-wide column slivers ([sliver][k][NR], zero-padded), the layout the
/// micro-kernel streams. Packing the recurrent weights once per sequence saves repacking them at every time step.
/// </summary>
internal sealed unsafe class PackedMatrix
{
    public float[] Data { get; private set; } = [];
    public int Depth { get; private set; }
    public int Columns { get; private set; }
    public int Slivers => (Columns + Gemm.NR - 1) / Gemm.NR;

    /// <summary>Packs op(B) (k×n; B is n×k when <paramref name="trans"/>). Large matrices are packed by both cores, slivers split between them.</summary>
    public void Pack(float* b, int ldb, bool trans, int k, int n)
    {
        int nr = Gemm.NR;
        int slivers = (n + nr - 1) / nr;
        long length = (long)slivers * k * nr;
        if (Data.Length < length) Data = GC.AllocateUninitializedArray<float>((int)length, pinned: true);
        Depth = k;
        Columns = n;
        _source = b;
        (_ldb, _trans) = (ldb, trans);
        _parts = length >= 1 << 16 ? Math.Min(WorkSplitter.Threads, slivers) : 1;
        if (_parts > 1) WorkSplitter.Run(_parts, _packPart ??= PackPart);
        else PackSlivers(0, slivers);
        _source = null;
    }

    private float* _source;
    private int _ldb, _parts;
    private bool _trans;
    private Action<int>? _packPart;

    private void PackPart(int part)
    {
        var (s0, s1) = WorkSplitter.Range(Slivers, _parts, part);
        PackSlivers(s0, s1);
    }

    private void PackSlivers(int s0, int s1)
    {
        int nr = Gemm.NR, k = Depth, n = Columns, ldb = _ldb;
        float* b = _source;
        fixed (float* d0 = Data)
        {
            for (int s = s0; s < s1; s++)
            {
                int j0 = s * nr, cols = Math.Min(nr, n - j0);
                float* d = d0 + (long)s * k * nr;
                for (int p = 0; p < k; p++, d += nr)
                {
                    if (!_trans) new ReadOnlySpan<float>(b + (long)p * ldb + j0, cols).CopyTo(new Span<float>(d, cols));
                    else for (int j = 0; j < cols; j++) d[j] = b[(long)(j0 + j) * ldb + p];
                    if (cols < nr) new Span<float>(d + cols, nr - cols).Clear();
                }
            }
        }
    }

    /// <summary>Packs a managed row-major matrix.</summary>
    public void Pack(float[] b, int ldb, bool trans, int k, int n)
    {
        fixed (float* p = b) Pack(p, ldb, trans, k, n);
    }
}
