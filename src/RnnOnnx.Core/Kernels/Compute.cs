namespace RnnOnnx;

/// <summary>Process-wide settings of the numerical kernels.</summary>
public static class Compute
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// How many threads the kernels may use (default: the processor count). Results are bit-identical
    /// whatever the value: work is split only across independent outputs, never across a sum.
    /// </summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxThreads = value;
        }
    }
}
