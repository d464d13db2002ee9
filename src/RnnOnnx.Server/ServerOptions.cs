namespace RnnOnnx.Server;

/// <summary>What <see cref="InferenceHost"/> serves and the limits it keeps.</summary>
public sealed class ServerOptions
{
    /// <summary>
    /// The models folder, searched recursively: plain <c>.onnx</c> files (named by their relative path without the
    /// extension, '/' → '.') and Triton's layout <c>NAME/VERSION/model.onnx</c>.
    /// </summary>
    public string ModelsDirectory { get; set; } = "";

    /// <summary>Largest JSON request body, in bytes (413 past it). Default 1 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 1 << 20;

    /// <summary>Largest image body of a caption request, in bytes (413 past it). Default 8 MiB.</summary>
    public long MaxImageBytes { get; set; } = 8 << 20;

    /// <summary>How long one request may take before it is cancelled with a 504. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Model requests served at once; past it a 503 with <c>Retry-After</c>. Default 256.</summary>
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>Gather concurrent forecast requests to one model into one ONNX Runtime call. Default on.</summary>
    public bool Batching { get; set; } = true;

    /// <summary>Most forecasts in one batched call. Default 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// Longest a batch waits for more requests once it has one. It waits only until it is as large as the previous
    /// batch, so a lone client never pays it and clients that come back together are not held past their arrival. Default 2 ms.
    /// </summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Streaming forecast sessions held at once; a new one past it is refused with a 429. Default 10,000.</summary>
    public int MaxStreams { get; set; } = 10_000;

    /// <summary>A stream not observed for this long is dropped. Default 30 minutes.</summary>
    public TimeSpan StreamTimeToLive { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Longest history a forecast request may send. Default 100,000 points.</summary>
    public int MaxHistoryLength { get; set; } = 100_000;

    /// <summary>Most characters one generate request may ask for. Default 10,000.</summary>
    public int MaxGenerateLength { get; set; } = 10_000;

    /// <summary>How often the models folder is scanned for changed, added and removed models; null: never (load at start only). Default null.</summary>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>How long a replaced or removed model stays open for the requests that still use it. Default: the request timeout plus 5 s.</summary>
    public TimeSpan RetiredModelGrace { get => _grace ?? RequestTimeout + TimeSpan.FromSeconds(5); set => _grace = value; }

    private TimeSpan? _grace;

    /// <summary>A /v2 sequence (sequence_id) not used for this long is dropped, as Triton's max_sequence_idle_microseconds. Default 5 minutes.</summary>
    public TimeSpan SequenceIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Write the logs as JSON objects, one a line (<c>serve --log-format json</c>) instead of text.</summary>
    public bool JsonLogs { get; set; }

    /// <summary>Log one line per request: method, path, status, time (<c>serve --access-log</c>).</summary>
    public bool AccessLog { get; set; }

    /// <summary>How long shutdown waits for requests in flight to finish. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks every value and names the first one out of range.</summary>
    /// <exception cref="ArgumentException">A value is out of range or the models folder does not exist.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelsDirectory) || !Directory.Exists(ModelsDirectory))
            throw new ArgumentException($"The models folder '{ModelsDirectory}' does not exist.");
        Positive(MaxRequestBytes, nameof(MaxRequestBytes));
        Positive(MaxImageBytes, nameof(MaxImageBytes));
        Positive(RequestTimeout.Ticks, nameof(RequestTimeout));
        Positive(MaxConcurrentRequests, nameof(MaxConcurrentRequests));
        Positive(MaxBatchSize, nameof(MaxBatchSize));
        if (MaxBatchWait < TimeSpan.Zero) throw new ArgumentException($"{nameof(MaxBatchWait)} must be ≥ 0, got {MaxBatchWait}.");
        Positive(MaxStreams, nameof(MaxStreams));
        Positive(StreamTimeToLive.Ticks, nameof(StreamTimeToLive));
        Positive(MaxHistoryLength, nameof(MaxHistoryLength));
        Positive(MaxGenerateLength, nameof(MaxGenerateLength));
        if (PollInterval is { } poll) Positive(poll.Ticks, nameof(PollInterval));
        if (RetiredModelGrace < TimeSpan.Zero) throw new ArgumentException($"{nameof(RetiredModelGrace)} must be ≥ 0, got {RetiredModelGrace}.");
        Positive(SequenceIdleTimeout.Ticks, nameof(SequenceIdleTimeout));
        if (ShutdownTimeout < TimeSpan.Zero) throw new ArgumentException($"{nameof(ShutdownTimeout)} must be ≥ 0, got {ShutdownTimeout}.");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be > 0, got {value}.");
    }
}
