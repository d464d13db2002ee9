namespace RnnOnnx.Onnx.Triton;

/// <summary>Options of <see cref="TritonExporter"/>.</summary>
public sealed class TritonExportOptions
{
    /// <summary>
    /// The model's name in the repository (its folder and config <c>name</c>); null takes the ONNX file's name without
    /// extension. Letters, digits, '_', '-' and '.', not starting with '.' or '-'.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>Triton's <c>max_batch_size</c> (default 8): requests it may gather into one call. 0 turns batching off (full-sequence models only).</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>The dynamic batcher's <c>max_queue_delay_microseconds</c> for full-sequence models (default 100).</summary>
    public int MaxQueueDelayMicroseconds { get; init; } = 100;

    /// <summary>
    /// Step models: <c>max_sequence_idle_microseconds</c>, how long Triton keeps a sequence's state without a request
    /// (default 60 s; Triton's own default, 1 s, is short for a stream of observations).
    /// </summary>
    public TimeSpan SequenceIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
