using System.Runtime.ExceptionServices;

namespace RnnOnnx.Kernels;

/// <summary>
/// Splits one piece of work into a few parts and runs them on persistent threads, the caller among them.
/// A task per element or per step would cost more than the work on two cores; persistent workers that spin
/// briefly before sleeping make a split worth it down to tens of microseconds. Parts must write disjoint
/// outputs, so the result never depends on how many parts ran or which thread ran them.
/// <para>
/// Each part is claimed before it runs, and every thread of the split, once its own part is done, claims any part
/// nobody has started: on a busy machine a worker that is not scheduled in time costs nothing, the others do its
/// part. A split may have more parts than threads, so that parts go to whichever thread is free first.
/// </para>
/// </summary>
internal static class WorkSplitter
{
    // Workers live as long as the process, so their semaphores are never disposed.
#pragma warning disable CA1001
    private sealed class Worker
    {
        public readonly SemaphoreSlim Start = new(0);
        public int Part;
        /// <summary>1 while the worker is (about to be) blocked on <see cref="Start"/>; only then does a split release it.</summary>
        public int Sleeping;
    }

    /// <summary>
    /// How long an idle worker keeps polling for the next split before it sleeps. Waking a sleeping thread costs tens
    /// to hundreds of microseconds on a virtual machine, longer than the serial code between the splits of one
    /// training step, so workers poll through those gaps (as BLAS thread pools do) and sleep only when training stops.
    /// </summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 1000;
#pragma warning restore CA1001

    private static readonly Lock Gate = new();
    private static Worker[] _workers = [];
    private static Action<int>? _job;
    private static int _jobParts, _jobThreads;
    private static long _generation;
    /// <summary>Most parts one split can have; the claim slots are fixed so that a late worker never sees them replaced.</summary>
    public const int MaxParts = 64;

    private static readonly long[] Claims = new long[MaxParts];
    private static int _finished;
    private static Exception? _failure;

    [ThreadStatic] private static bool t_inside;

    /// <summary>How many threads a split would use now (a split may still have more parts than that).</summary>
    public static int Threads => t_inside ? 1 : Math.Min(Compute.MaxThreads, MaxParts);

    /// <summary>
    /// Runs <paramref name="body"/>(part) for part = 0..parts-1 on up to <see cref="Threads"/> threads and returns when all are done.
    /// </summary>
    /// <remarks>Nested calls (from inside a part) run their parts one after another on the calling thread.</remarks>
    public static void Run(int parts, Action<int> body)
    {
        // Callers cut their work by the part count they ask for: dropping parts would silently skip work.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, MaxParts);
        int threads = Math.Min(parts, Threads);
        if (threads <= 1)
        {
            for (int p = 0; p < parts; p++) body(p);
            return;
        }
        lock (Gate)
        {
            EnsureWorkers(threads - 1);
            _job = body;
            Volatile.Write(ref _jobParts, parts);
            Volatile.Write(ref _jobThreads, threads);
            _failure = null;
            Volatile.Write(ref _finished, 0);
            long generation = _generation + 1;
            // A worker late from an older split reads this split's part count: every slot beyond it counts as taken.
            for (int p = parts; p < MaxParts; p++) Volatile.Write(ref Claims[p], generation);
            Interlocked.Exchange(ref _generation, generation); // a full fence: pairs with a worker announcing its sleep
            for (int w = 0; w < threads - 1; w++)
                if (Volatile.Read(ref _workers[w].Sleeping) == 1) _workers[w].Start.Release();
            t_inside = true;
            try
            {
                for (int p = 0; p < parts; p++)
                    if (TryClaim(p, generation)) Execute(body, p);
            }
            finally { t_inside = false; }
            var spin = new SpinWait();
            while (Volatile.Read(ref _finished) < parts) spin.SpinOnce(sleep1Threshold: -1);
            if (_failure is { } failure) ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    /// <summary>A part is free in a generation until someone claims it for that generation.</summary>
    private static bool TryClaim(int part, long generation)
    {
        while (true)
        {
            long claimed = Volatile.Read(ref Claims[part]);
            if (claimed >= generation) return false;
            if (Interlocked.CompareExchange(ref Claims[part], generation, claimed) == claimed) return true;
        }
    }

    private static void Execute(Action<int> body, int part)
    {
        try { body(part); }
        catch (Exception e) { Interlocked.CompareExchange(ref _failure, e, null); }
        finally { Interlocked.Increment(ref _finished); }
    }

    /// <summary>Range [start, end) of part <paramref name="part"/> when <paramref name="count"/> items are cut into <paramref name="parts"/>, in multiples of <paramref name="grain"/>.</summary>
    public static (int Start, int End) Range(int count, int parts, int part, int grain = 1)
    {
        int units = (count + grain - 1) / grain;
        int start = (int)((long)units * part / parts) * grain;
        int end = (int)((long)units * (part + 1) / parts) * grain;
        return (Math.Min(start, count), Math.Min(end, count));
    }

    private static void EnsureWorkers(int count)
    {
        if (_workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(_workers, grown, _workers.Length);
        for (int i = _workers.Length; i < count; i++)
        {
            var worker = new Worker { Part = i + 1 };
            grown[i] = worker;
            var thread = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"rnnonnx-worker-{i + 1}" };
            thread.Start();
        }
        _workers = grown;
    }

    private static void Loop(Worker worker)
    {
        t_inside = true;
        long seen = 0;
        bool poll = true;
        while (true)
        {
            long generation = AwaitGeneration(worker, seen, poll);
            seen = generation;
            // Generation first, then the job: a worker that is late reads a finished generation, whose parts are
            // all claimed, and does nothing. Workers beyond this split's thread count stay out of it and sleep
            // rather than poll: after a run with more threads they would otherwise compete for the cores.
            var job = Volatile.Read(ref _job);
            poll = job is not null && worker.Part < Volatile.Read(ref _jobThreads);
            if (job is null || !poll) continue;
            int parts = Volatile.Read(ref _jobParts);
            if (TryClaim(worker.Part, generation)) Execute(job, worker.Part);
            for (int p = 0; p < parts; p++)
                if (TryClaim(p, generation)) Execute(job, p);
        }
    }

    /// <summary>Polls for a generation newer than <paramref name="seen"/> (if <paramref name="poll"/>), then sleeps until released.</summary>
    private static long AwaitGeneration(Worker worker, long seen, bool poll)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (poll ? SpinTicks : 0);
        while (true)
        {
            long generation = Volatile.Read(ref _generation);
            if (generation != seen) return generation;
            if (System.Diagnostics.Stopwatch.GetTimestamp() < deadline) { Thread.SpinWait(20); continue; }
            // Announce the sleep, then look once more: a split that started in between either sees the flag and
            // releases us, or is seen here (both sides use full fences).
            Interlocked.Exchange(ref worker.Sleeping, 1);
            generation = Volatile.Read(ref _generation);
            if (generation == seen) worker.Start.Wait();
            Interlocked.Exchange(ref worker.Sleeping, 0);
            deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        }
    }
}
