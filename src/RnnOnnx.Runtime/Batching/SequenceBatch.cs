namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// Rows read for one batch, before padding: each row's values packed one after another (floats, or token ids),
/// its number of steps, its stream state (when state is carried) and its row number (for error messages). The
/// arrays grow to the largest batch seen and are then reused.
/// <para>
/// Rows are stored in the order they are started, each right after the previous one with no gap
/// (<c>Offsets[r + 1] = Offsets[r] + Lengths[r]·features</c>): the multi-row <see cref="FloatsOf(int, int, int)"/>
/// and the batch runner's one-copy path for rows that need no padding rely on it.
/// </para>
/// </summary>
public sealed class SequenceBatch(int capacity)
{
    private float[] _floats = [];
    private long[] _ids = [];
    private int _used;

    /// <summary>Rows started so far.</summary>
    public int Count { get; private set; }

    /// <summary>Most rows a batch holds.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>True when no more rows fit.</summary>
    public bool IsFull => Count == Capacity;

    /// <summary>Where each row's values start in the packed buffer.</summary>
    public int[] Offsets { get; } = new int[capacity];

    /// <summary>Steps of each row.</summary>
    public int[] Lengths { get; } = new int[capacity];

    /// <summary>Row number of each row in its data (for error messages).</summary>
    public long[] Rows { get; } = new long[capacity];

    /// <summary>Stream state of each row when state is carried, else null.</summary>
    public StreamState?[] States { get; } = new StreamState?[capacity];

    /// <summary>Forgets every row (buffers are kept).</summary>
    public void Clear()
    {
        Array.Clear(States, 0, Count);
        Count = 0;
        _used = 0;
    }

    /// <summary>Starts row <see cref="Count"/>; returns room for <paramref name="values"/> floats to fill.</summary>
    public Span<float> AddFloats(long row, int steps, int values, StreamState? state)
    {
        Start(row, steps, state);
        Grow(ref _floats, values);
        var span = _floats.AsSpan(_used, values);
        _used += values;
        return span;
    }

    /// <summary>Starts row <see cref="Count"/>; returns room for <paramref name="steps"/> token ids to fill.</summary>
    public Span<long> AddIds(long row, int steps, StreamState? state)
    {
        Start(row, steps, state);
        Grow(ref _ids, steps);
        var span = _ids.AsSpan(_used, steps);
        _used += steps;
        return span;
    }

    /// <summary>The values of row <paramref name="row"/> (floats models).</summary>
    public ReadOnlySpan<float> FloatsOf(int row, int features) => _floats.AsSpan(Offsets[row], Lengths[row] * features);

    /// <summary>The values of <paramref name="count"/> rows from <paramref name="first"/> on, packed one after another (floats models).</summary>
    public ReadOnlySpan<float> FloatsOf(int first, int count, int features)
    {
        int last = first + count - 1;
        return _floats.AsSpan(Offsets[first], Offsets[last] + Lengths[last] * features - Offsets[first]);
    }

    /// <summary>The token ids of row <paramref name="row"/> (id models).</summary>
    public ReadOnlySpan<long> IdsOf(int row) => _ids.AsSpan(Offsets[row], Lengths[row]);

    private void Start(long row, int steps, StreamState? state)
    {
        if (IsFull) throw new InvalidOperationException("The batch is full.");
        Offsets[Count] = _used;
        Lengths[Count] = steps;
        Rows[Count] = row;
        States[Count] = state;
        Count++;
    }

    private void Grow<T>(ref T[] array, int more)
    {
        if (_used + more <= array.Length) return;
        Array.Resize(ref array, Math.Max(_used + more, 2 * array.Length));
    }
}
