namespace RnnOnnx.Motor;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna 2018) seeded by SplitMix64. Four words of state, so a checkpoint stores it
/// and a resumed run draws exactly what the uninterrupted one would. (Core's generator is internal to Core.)
/// </summary>
internal sealed class MotorRng
{
    private ulong _s0, _s1, _s2, _s3;

    public MotorRng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong Next()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double Uniform() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Int(int n) => (int)(Uniform() * n);

    /// <summary>Standard normal (Box–Muller, one value per call for a simple, resumable stream).</summary>
    public double Gaussian()
    {
        double u1 = 1.0 - Uniform();
        double u2 = Uniform();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    public void SetState(ReadOnlySpan<ulong> s) => (_s0, _s1, _s2, _s3) = (s[0], s[1], s[2], s[3]);
}
