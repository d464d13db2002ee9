// Milliseconds per training batch of RnnOnnx.Motor: arm26, random-target reach, batch 32 × 100 steps,
// BPTT through the body, Adam + clipping — the same work as MotorNet's tutorial loop (motornet_bench.py).
// usage: RnnOnnx.Motor.Bench [hidden ...] [--batches N] [--warmup N]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RnnOnnx.Motor;

int batches = 20, warmup = 10;
var hiddens = new List<int>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--batches") batches = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--warmup") warmup = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else hiddens.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
}
if (hiddens.Count == 0) hiddens.AddRange([32, 128]);

foreach (int hidden in hiddens)
{
    var trainer = new MotorTrainer(Effector.Create("arm26"), ReachingTask.RandomTargetReach(100), null,
        new TrainingOptions { Hidden = hidden, BatchSize = 32, Seed = 1 });
    trainer.Train(warmup);
    var times = new double[batches];
    var cpu = new double[batches];
    double loss = 0;
    for (int b = 0; b < batches; b++)
    {
        long t0 = Stopwatch.GetTimestamp();
        double c0 = ThreadCpu.Milliseconds();
        loss = trainer.TrainBatch().Loss;
        cpu[b] = ThreadCpu.Milliseconds() - c0;
        times[b] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
    Array.Sort(times);
    Array.Sort(cpu);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rnnonnx arm26 GRU({hidden}) batch 32x100: median {times[batches / 2]:F2} ms/batch (min {times[0]:F2}, thread-cpu median {cpu[batches / 2]:F2} ms, {batches} batches, last loss {loss:F4})"));
}

/// <summary>
/// CPU time of the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)): on a shared machine wall-clock time per
/// batch includes waiting for a core; CPU time is what the batch itself cost. MotorNet's side reads the same clock
/// (Python's time.thread_time).
/// </summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    public static double Milliseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0) return double.NaN;
        return t.Seconds * 1e3 + t.Nanoseconds * 1e-6;
    }
}
