namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// What a cursor needs to run batches — the rows read, their results, and a runner with its pinned tensors and I/O
/// binding — kept by the transformer between cursors, so that a new cursor (each pass over the data) starts with
/// buffers grown, OrtValues made and outputs bound instead of building them all again.
/// </summary>
public sealed class BatchWorkspace(BatchRunner runner, int capacity) : IDisposable
{
    /// <summary>The rows of the batch being run.</summary>
    public SequenceBatch Batch { get; } = new(capacity);

    /// <summary>Their outputs, row by row.</summary>
    public BatchResults Results { get; } = new(capacity);

    /// <summary>The ONNX Runtime calls, with the tensors and binding they reuse.</summary>
    public BatchRunner Runner { get; } = runner;

    /// <summary>Forgets the last batch's rows (and the stream states they hold) before the workspace waits for its next cursor.</summary>
    public void Reset() => Batch.Clear();

    /// <inheritdoc/>
    public void Dispose() => Runner.Dispose();
}
