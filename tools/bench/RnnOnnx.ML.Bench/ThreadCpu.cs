using System.Runtime.InteropServices;

namespace RnnOnnx.ML.Bench;

/// <summary>CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID, nanosecond resolution).</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    public static double Seconds()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var time) != 0) throw new InvalidOperationException("clock_gettime failed");
        return time.Seconds + time.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
