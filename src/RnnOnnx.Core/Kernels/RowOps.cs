using System.Numerics.Tensors;

namespace RnnOnnx.Kernels;

/// <summary>Broadcasts and reductions over the rows of a row-major block.</summary>
internal static class RowOps
{
    /// <summary>Every row += <paramref name="vector"/>.</summary>
    public static void AddToRows(Span<float> block, ReadOnlySpan<float> vector)
    {
        int width = vector.Length;
        for (int r = 0; r < block.Length; r += width)
        {
            var row = block.Slice(r, width);
            TensorPrimitives.Add(row, vector, row);
        }
    }

    /// <summary><paramref name="sum"/> += Σ_rows block, accumulated in row order (deterministic).</summary>
    public static void SumRowsInto(ReadOnlySpan<float> block, Span<float> sum)
    {
        int width = sum.Length;
        for (int r = 0; r < block.Length; r += width) TensorPrimitives.Add(sum, block.Slice(r, width), sum);
    }
}
