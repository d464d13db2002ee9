namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// Stream states by key value. A new key starts from zeros. Lookups of text keys go through a span-keyed view of the
/// dictionary, so an existing stream is found without allocating a string.
/// </summary>
public sealed class StreamStateStore(int width)
{
    private readonly Dictionary<long, StreamState> _byNumber = [];
    private readonly Dictionary<string, StreamState> _byText = new(StringComparer.Ordinal);

    /// <summary>Streams seen so far.</summary>
    public int Count => _byNumber.Count + _byText.Count;

    /// <summary>The state of the stream keyed <paramref name="key"/> (zeros for a new key).</summary>
    public StreamState Get(long key)
    {
        if (!_byNumber.TryGetValue(key, out var state)) _byNumber[key] = state = new StreamState(width);
        return state;
    }

    /// <summary>The state of the stream keyed <paramref name="key"/> (zeros for a new key).</summary>
    public StreamState Get(ReadOnlySpan<char> key)
    {
        var lookup = _byText.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out var state)) lookup[key] = state = new StreamState(width);
        return state;
    }
}
