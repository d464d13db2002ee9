using RnnOnnx.Layers;

namespace RnnOnnx.Losses;

/// <summary>
/// A training objective. The loss is the mean over the real (unpadded) elements of the batch; padding steps of
/// variable-length sequences contribute neither to the value nor to the gradient.
/// </summary>
public abstract class Loss
{
    internal abstract string TypeName { get; }

    /// <summary>Target values per prediction row: the prediction width, or 1 (a class id) for cross-entropy.</summary>
    internal virtual int TargetWidth(int predictionWidth) => predictionWidth;

    /// <summary>Mean loss over the real elements; writes ∂(mean loss)/∂prediction into <paramref name="gradient"/>.</summary>
    internal abstract double Compute(Signal prediction, Signal target, PassContext context, Signal gradient);

    /// <summary>Real rows of a batch: all rows for vectors, the rows within each sequence's length for sequences.</summary>
    private protected static int CountRealRows(Signal prediction, PassContext context)
    {
        if (!prediction.IsSequence || context.Lengths is null) return prediction.Rows;
        int count = 0;
        foreach (int length in context.Lengths) count += Math.Min(length, prediction.Steps);
        return count;
    }

    private protected static bool IsReal(Signal prediction, PassContext context, int row) =>
        !prediction.IsSequence || context.IsValid(row / prediction.Batch, row % prediction.Batch);
}
