using Microsoft.ML;

namespace RnnOnnx.ML;

/// <summary>
/// A transform that adds text columns computed a batch of rows at a time (captions of images, continuations of
/// prompts): it names the input columns it reads, reads one row's input, and computes a batch. The data view, cursor
/// and row classes in this folder do the ML.NET plumbing for every such transform.
/// </summary>
/// <typeparam name="TInput">One row's input as the computation takes it.</typeparam>
internal abstract class BatchedTextMapping<TInput>
{
    /// <summary>The input schema the mapping was bound to.</summary>
    public abstract DataViewSchema InputSchema { get; }

    /// <summary>The input schema plus the computed columns.</summary>
    public abstract DataViewSchema OutputSchema { get; }

    /// <summary>Indices in <see cref="OutputSchema"/> of the computed columns, in the order <see cref="Compute"/> returns them.</summary>
    public abstract IReadOnlyList<int> OutputIndices { get; }

    /// <summary>Input columns the computation reads.</summary>
    public abstract IReadOnlyList<DataViewSchema.Column> ReadColumns { get; }

    /// <summary>Rows per <see cref="Compute"/> call.</summary>
    public abstract int BatchSize { get; }

    /// <summary>A reader of the current row's input of <paramref name="row"/>.</summary>
    public abstract Func<TInput> Reader(DataViewRow row);

    /// <summary>The computed columns for a batch of rows: [column][row].</summary>
    public abstract string[][] Compute(IReadOnlyList<TInput> rows);

    public bool IsOutput(int index) => OutputIndices.Contains(index);
}
