namespace RnnOnnx.ML;

/// <summary>
/// Stream states by key value. A new key starts from zeros. Lookups of text keys go through a span-keyed view of the
/// dictionary, so an existing stream is found without allocating a string.
/// </summary>
internal sealed class StreamStateStore(int width)
{
    private readonly Dictionary<long, StreamState> _byNumber = [];
    private readonly Dictionary<string, StreamState> _byText = new(StringComparer.Ordinal);

    public int Count => _byNumber.Count + _byText.Count;

    public StreamState Get(long key)
    {
        if (!_byNumber.TryGetValue(key, out var state)) _byNumber[key] = state = new StreamState(width);
        return state;
    }

    public StreamState Get(ReadOnlySpan<char> key)
    {
        var lookup = _byText.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out var state)) lookup[key] = state = new StreamState(width);
        return state;
    }
}
