using System.Numerics.Tensors;

namespace RnnOnnx.Kernels;

/// <summary>Reductions over the rows of a row-major block.</summary>
internal static class RowOps
{
    /// <summary>
    /// <paramref name="sum"/> += Σ_rows block, accumulated in row order (deterministic). Large blocks are split by
    /// column ranges across threads: each column is still summed by one thread in row order.
    /// </summary>
    public static void SumRowsInto(float[] block, int rows, float[] sum, int width)
    {
        if ((long)rows * width < 1 << 16 || WorkSplitter.Threads == 1)
        {
            SumColumns(block, rows, sum, width, 0, width);
            return;
        }
        var job = t_job ??= new SumJob();
        (job.Block, job.Rows, job.Sum, job.Width, job.Parts) = (block, rows, sum, width, WorkSplitter.Threads);
        WorkSplitter.Run(job.Parts, job.Body);
        job.Block = job.Sum = null;
    }

    private static void SumColumns(float[] block, int rows, float[] sum, int width, int c0, int c1)
    {
        var target = sum.AsSpan(c0, c1 - c0);
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(target, block.AsSpan(r * width + c0, c1 - c0), target);
    }

    [ThreadStatic] private static SumJob? t_job;

    private sealed class SumJob
    {
        public float[]? Block, Sum;
        public int Rows, Width, Parts;
        public readonly Action<int> Body;

        public SumJob() => Body = part =>
        {
            var (c0, c1) = WorkSplitter.Range(Width, Parts, part, 16);
            if (c0 < c1) SumColumns(Block!, Rows, Sum!, Width, c0, c1);
        };
    }
}
