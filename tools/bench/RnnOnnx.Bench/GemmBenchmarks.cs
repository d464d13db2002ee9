using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using RnnOnnx.Kernels;

namespace RnnOnnx.Bench;

/// <summary>Aligned native buffers filled with small random values; freed in cleanup.</summary>
internal sealed unsafe class Buffers : IDisposable
{
    private readonly List<nint> _blocks = [];

    public float* Alloc(long count, int seed)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(count, 1) * sizeof(float)), 64);
        _blocks.Add((nint)p);
        var rng = new Random(seed);
#pragma warning disable CA5394 // benchmark data, not security
        for (long i = 0; i < count; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
#pragma warning restore CA5394
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _blocks) NativeMemory.AlignedFree((void*)p);
        _blocks.Clear();
    }
}

/// <summary>
/// Square SGEMM, C = A·B, including the packing of B as a plain BLAS call does. GFLOP/s = 2·Size³ / mean.
/// </summary>
[Config(typeof(GemmConfig))]
public unsafe class GemmSquare
{
    private Buffers _buffers = null!;
    private float* _a, _b, _c;
    private int _savedThreads;

    [Params(2048)]
    public int Size { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _savedThreads = Compute.MaxThreads;
        Compute.MaxThreads = Threads;
        _buffers = new Buffers();
        long n2 = (long)Size * Size;
        _a = _buffers.Alloc(n2, 1);
        _b = _buffers.Alloc(n2, 2);
        _c = _buffers.Alloc(n2, 3);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _buffers.Dispose();
        Compute.MaxThreads = _savedThreads;
    }

    [Benchmark]
    public void Sgemm() => Gemm.Multiply(_a, Size, false, _b, Size, false, _c, Size, Size, Size, Size, accumulate: false);
}

/// <summary>
/// The products one LSTM layer of the trainer runs for T·B = 1600 rows (T = 50, B = 32), input width I = 8,
/// H = 128 units, so 4H = 512 gate columns. Forward: one input projection for all steps, then one recurrent
/// product per step against the packed R. Backward: the weight gradients are k = 1600-deep products.
/// </summary>
[Config(typeof(GemmConfig))]
public unsafe class GemmTrainerShapes
{
    private const int Rows = 1600, Batch = 32, Input = 8, Hidden = 128, Gates = 4 * Hidden;

    private Buffers _buffers = null!;
    private float* _x, _w, _g, _h, _r, _dg, _dw, _dr, _dx, _dh;
    private PackedMatrix _packedR = null!, _packedRt = null!;
    private int _savedThreads;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _savedThreads = Compute.MaxThreads;
        Compute.MaxThreads = Threads;
        _buffers = new Buffers();
        _x = _buffers.Alloc((long)Rows * Input, 1);
        _w = _buffers.Alloc((long)Input * Gates, 2);
        _g = _buffers.Alloc((long)Rows * Gates, 3);
        _h = _buffers.Alloc((long)Rows * Hidden, 4);
        _r = _buffers.Alloc((long)Hidden * Gates, 5);
        _dg = _buffers.Alloc((long)Rows * Gates, 6);
        _dw = _buffers.Alloc((long)Input * Gates, 7);
        _dr = _buffers.Alloc((long)Hidden * Gates, 8);
        _dx = _buffers.Alloc((long)Rows * Input, 9);
        _dh = _buffers.Alloc((long)Batch * Hidden, 10);
        _packedR = new PackedMatrix();
        _packedR.Pack(_r, Gates, false, Hidden, Gates);     // R: [H, 4H]
        _packedRt = new PackedMatrix();
        _packedRt.Pack(_r, Gates, true, Gates, Hidden);     // Rᵀ: [4H, H]
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _buffers.Dispose();
        Compute.MaxThreads = _savedThreads;
    }

    /// <summary>Gx = X·W for all steps: [1600, 8]·[8, 512].</summary>
    [Benchmark, GemmShape(Rows, Gates, Input)]
    public void InputProjection() => Gemm.Multiply(_x, Input, false, _w, Gates, false, _g, Gates, Rows, Gates, Input, accumulate: false);

    /// <summary>One time step: G_t += H_{t-1}·R, [32, 128]·packed [128, 512].</summary>
    [Benchmark, GemmShape(Batch, Gates, Hidden)]
    public void RecurrentStep() => Gemm.Multiply(_h, Hidden, false, _packedR, _g, Gates, Batch, accumulate: true);

    /// <summary>Packing R once per sequence: [128, 512] (no FLOPs; compare with RecurrentStep).</summary>
    [Benchmark]
    public void PackRecurrent() => _packedR.Pack(_r, Gates, false, Hidden, Gates);

    /// <summary>∂W += Xᵀ·∂G: [8, 1600]·[1600, 512], k = 1600.</summary>
    [Benchmark, GemmShape(Input, Gates, Rows)]
    public void InputWeightGradient() => Gemm.Multiply(_x, Input, true, _dg, Gates, false, _dw, Gates, Input, Gates, Rows, accumulate: true);

    /// <summary>∂R += H_prevᵀ·∂G: [128, 1600]·[1600, 512], k = 1600.</summary>
    [Benchmark, GemmShape(Hidden, Gates, Rows)]
    public void RecurrentWeightGradient() => Gemm.Multiply(_h, Hidden, true, _dg, Gates, false, _dr, Gates, Hidden, Gates, Rows, accumulate: true);

    /// <summary>∂X = ∂G·Wᵀ: [1600, 512]·[512, 8].</summary>
    [Benchmark, GemmShape(Rows, Input, Gates)]
    public void InputGradient() => Gemm.Multiply(_dg, Gates, false, _w, Gates, true, _dx, Input, Rows, Input, Gates, accumulate: false);

    /// <summary>One backward step: ∂h += ∂G_t·Rᵀ, [32, 512]·packed [512, 128].</summary>
    [Benchmark, GemmShape(Batch, Hidden, Gates)]
    public void RecurrentGradientStep() => Gemm.Multiply(_dg, Gates, false, _packedRt, _dh, Hidden, Batch, accumulate: true);
}
