using RnnOnnx.Kernels;

namespace RnnOnnx.Tests.Kernels;

/// <summary><see cref="WorkSplitter"/>: ranges tile the work exactly, every part runs once, failures propagate.</summary>
public class WorkSplitterTests
{
    [Fact]
    public void Range_partitions_cover_every_item_exactly_once_in_grain_multiples()
    {
        foreach (int count in new[] { 0, 1, 5, 6, 7, 31, 32, 33, 100, 1001, 2000 })
            foreach (int parts in new[] { 1, 2, 3, 4, 7, 16 })
                foreach (int grain in new[] { 1, 6, 16, 32 })
                {
                    int expectedStart = 0;
                    for (int part = 0; part < parts; part++)
                    {
                        var (start, end) = WorkSplitter.Range(count, parts, part, grain);
                        string what = $"count {count}, parts {parts}, grain {grain}, part {part}: [{start}, {end})";
                        Assert.True(start == expectedStart, what + $" should start at {expectedStart}");
                        Assert.True(start <= end && end <= count, what);
                        Assert.True(start % grain == 0 || start == count, what + " is not grain-aligned");
                        Assert.True(end % grain == 0 || end == count, what + " does not end on a grain");
                        expectedStart = end;
                    }
                    Assert.Equal(count, expectedStart);
                }
    }

    [Fact]
    public void Range_balances_whole_grains()
    {
        // 2000 rows in 6-row tiles over 2 parts: 334 tiles → 167 each.
        Assert.Equal((0, 1002), WorkSplitter.Range(2000, 2, 0, 6));
        Assert.Equal((1002, 2000), WorkSplitter.Range(2000, 2, 1, 6));
        Assert.Equal((0, 5), WorkSplitter.Range(10, 2, 0));
        Assert.Equal((5, 10), WorkSplitter.Range(10, 2, 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Run_runs_every_part_exactly_once(int parts)
    {
        for (int repeat = 0; repeat < 50; repeat++)
        {
            var hits = new int[parts];
            WorkSplitter.Run(parts, p => Interlocked.Increment(ref hits[p]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void Workers_woken_late_by_a_wider_split_never_run_parts_of_a_narrower_one()
    {
        // A worker released for part 2 of a 3-part split may wake only during a later 2-part split.
        for (int repeat = 0; repeat < 2000; repeat++)
        {
            int parts = repeat % 2 == 0 ? 3 : 2;
            var hits = new int[3];
            WorkSplitter.Run(parts, p => Interlocked.Increment(ref hits[p]));
            for (int p = 0; p < 3; p++) Assert.Equal(p < parts ? 1 : 0, hits[p]);
        }
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 0)]
    public void Exception_in_a_part_propagates_from_Run(int parts, int failing)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            WorkSplitter.Run(parts, p => { if (p == failing) throw new InvalidOperationException($"part {p} failed"); }));
        Assert.Equal($"part {failing} failed", ex.Message);

        // The splitter still works afterwards: workers survived the failure.
        var hits = new int[parts];
        WorkSplitter.Run(parts, p => Interlocked.Increment(ref hits[p]));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void Run_waits_for_every_part_even_when_one_fails()
    {
        int slowDone = 0;
        Assert.Throws<InvalidOperationException>(() => WorkSplitter.Run(2, p =>
        {
            if (p == 0) throw new InvalidOperationException("caller's part failed");
            Thread.Sleep(100);
            Volatile.Write(ref slowDone, 1);
        }));
        Assert.Equal(1, Volatile.Read(ref slowDone));
    }

    [Fact]
    public void Nested_runs_stay_on_the_part_thread()
    {
        var outer = new int[2];
        var nestedParts = new int[2];
        bool nestedOnSameThread = true;
        WorkSplitter.Run(2, p =>
        {
            outer[p] = WorkSplitter.Threads;
            int thread = Environment.CurrentManagedThreadId;
            int count = 0;
            WorkSplitter.Run(3, _ =>
            {
                count++;
                if (Environment.CurrentManagedThreadId != thread) Volatile.Write(ref nestedOnSameThread, false);
            });
            nestedParts[p] = count;
        });
        Assert.Equal([1, 1], outer);
        Assert.Equal([3, 3], nestedParts);
        Assert.True(nestedOnSameThread);
    }
}

/// <summary>Splits with more parts than threads: every part once, never more threads than allowed.</summary>
[Collection("Threads")]
public class WorkSplitterPartsTests
{
    [Theory]
    [InlineData(2, 4)]
    [InlineData(2, 7)]
    [InlineData(3, 8)]
    public void More_parts_than_threads_run_once_each_on_at_most_the_allowed_threads(int threads, int parts)
    {
        int saved = Compute.MaxThreads;
        try
        {
            // Alternate with a wider split first so that workers beyond the allowed count exist and must stay out.
            for (int repeat = 0; repeat < 500; repeat++)
            {
                Compute.MaxThreads = repeat % 3 == 0 ? threads + 1 : threads;
                int allowed = Compute.MaxThreads;
                var hits = new int[parts];
                var ranOn = new int[parts];
                WorkSplitter.Run(parts, p =>
                {
                    Interlocked.Increment(ref hits[p]);
                    ranOn[p] = Environment.CurrentManagedThreadId;
                    Thread.SpinWait(200 * (p % 3)); // uneven parts, so that free threads take the next ones
                });
                Assert.All(hits, h => Assert.Equal(1, h));
                Assert.InRange(ranOn.Distinct().Count(), 1, allowed);
            }
        }
        finally { Compute.MaxThreads = saved; }
    }
}
