using System.Collections.Concurrent;
using RnnOnnx.Forecasting;
using RnnOnnx.Server.Metrics;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Streams;

/// <summary>
/// The streaming forecast sessions, keyed by model and stream id: at most <see cref="ServerOptions.MaxStreams"/> of
/// them, each dropped once unused for <see cref="ServerOptions.StreamTimeToLive"/> (checked on every lookup, so an
/// expired stream is never served, and swept by a timer, so idle ones do not hold memory).
/// </summary>
internal sealed class StreamStore : IDisposable
{
    private readonly ConcurrentDictionary<(string Model, string Id), ForecastStream> _streams = new();
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ServerMetrics _metrics;
    private readonly Lock _createGate = new();
    private readonly ITimer _sweeper;

    public StreamStore(ServerOptions options, TimeProvider time, ServerMetrics metrics, Models.ModelCatalog catalog)
    {
        // A reloaded model's streams run on the old model, which is disposed after its grace period: drop them (the
        // client's next observation starts a new stream, "created": true), as Triton drops sequences on a reload.
        catalog.Retired += model =>
        {
            foreach (var (key, stream) in _streams)
                if (ReferenceEquals(stream.Model, model)) _streams.TryRemove(new KeyValuePair<(string, string), ForecastStream>(key, stream));
        };
        (_options, _time, _metrics) = (options, time, metrics);
        var period = options.StreamTimeToLive / 4;
        _sweeper = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    public int Count => _streams.Count;

    /// <summary>The live stream, or a new one made by <paramref name="start"/>; <c>Created</c> tells which.</summary>
    /// <exception cref="ProblemException">The stream does not exist and the cap is reached (429).</exception>
    public (ForecastStream Stream, bool Created) GetOrStart(string model, string id, Func<RnnForecastEngine> start, object? loaded = null)
    {
        if (TryGetLive(model, id) is { } live) return (live, false);
        lock (_createGate)
        {
            if (TryGetLive(model, id) is { } raced) return (raced, false);
            if (_streams.Count >= _options.MaxStreams) Sweep();
            if (_streams.Count >= _options.MaxStreams)
                throw new ProblemException(429, "Too many streams",
                    $"The server holds its maximum of {_options.MaxStreams} streams; close one (DELETE .../streams/{{id}}) or wait until an idle one expires ({_options.StreamTimeToLive} unused).");
            var stream = new ForecastStream(start(), _time.GetTimestamp(), loaded);
            _streams[(model, id)] = stream;
            _metrics.Streams.Set(_streams.Count);
            return (stream, true);
        }
    }

    public void Touch(ForecastStream stream) => stream.LastUsed = _time.GetTimestamp();

    public bool Remove(string model, string id)
    {
        bool removed = _streams.TryRemove((model, id), out var stream);
        stream?.Engine.Dispose();
        _metrics.Streams.Set(_streams.Count);
        return removed;
    }

    private ForecastStream? TryGetLive(string model, string id)
    {
        if (!_streams.TryGetValue((model, id), out var stream)) return null;
        if (!Expired(stream)) return stream;
        Remove(model, id);
        return null;
    }

    private bool Expired(ForecastStream stream) => _time.GetElapsedTime(stream.LastUsed) > _options.StreamTimeToLive;

    private void Sweep()
    {
        foreach (var (key, stream) in _streams)
            if (Expired(stream)) Remove(key.Model, key.Id);
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var stream in _streams.Values) stream.Engine.Dispose();
        _streams.Clear();
    }
}
