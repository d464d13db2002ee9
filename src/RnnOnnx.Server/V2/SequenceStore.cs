using System.Collections.Concurrent;
using RnnOnnx.Runtime;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.V2;

/// <summary>One /v2 sequence: its step session (state of one row, kept in pinned buffers), used under <see cref="Gate"/>.</summary>
internal sealed class Sequence(ServedModel model, StepSession steps, long lastUsed)
{
    public ServedModel Model { get; } = model;

    public StepSession Steps { get; } = steps;

    public Lock Gate { get; } = new();

    public long LastUsed { get; set; } = lastUsed;

    /// <summary>Set (under <see cref="Gate"/>) when the sequence ended, expired or its model was replaced: it must not run again.</summary>
    public bool Closed { get; set; }
}

/// <summary>
/// The state of every /v2 sequence, as Triton's sequence batcher keeps it: keyed by model, version and sequence id,
/// started from zero state by <c>sequence_start</c>, freed by <c>sequence_end</c>, dropped once idle for
/// <see cref="ServerOptions.SequenceIdleTimeout"/> or when its model is reloaded. At most <see cref="ServerOptions.MaxStreams"/>.
/// </summary>
internal sealed class SequenceStore : IDisposable
{
    private readonly ConcurrentDictionary<(string Model, long Version, string Id), Sequence> _sequences = new();
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;

    public SequenceStore(ServerOptions options, TimeProvider time, ModelCatalog catalog)
    {
        (_options, _time) = (options, time);
        var period = options.SequenceIdleTimeout / 4;
        _sweeper = time.CreateTimer(_ => Sweep(), null, period, period);
        catalog.Retired += model =>
        {
            foreach (var (key, sequence) in _sequences)
                if (ReferenceEquals(sequence.Model, model)) Remove(key, sequence);
        };
    }

    public int Count => _sequences.Count;

    /// <summary>Starts sequence <paramref name="id"/> from zero state (ending one of the same id first, as Triton does).</summary>
    public Sequence Start(V2Model model, string id)
    {
        var key = (model.Model.Name, model.Model.Version, id);
        if (_sequences.TryGetValue(key, out var existing)) Remove(key, existing);
        if (_sequences.Count >= _options.MaxStreams) Sweep();
        if (_sequences.Count >= _options.MaxStreams)
            throw new ProblemException(429, "Too many sequences",
                $"the server holds its maximum of {_options.MaxStreams} sequences; end one (sequence_end) or wait until an idle one expires");
        var sequence = new Sequence(model.Model, new StepSession(model.Session, model.SequenceGraph!, rows: 1), _time.GetTimestamp());
        _sequences[key] = sequence;
        return sequence;
    }

    /// <summary>The live sequence <paramref name="id"/>, or null when it never started, ended or expired.</summary>
    public Sequence? Find(V2Model model, string id)
    {
        var key = (model.Model.Name, model.Model.Version, id);
        if (!_sequences.TryGetValue(key, out var sequence)) return null;
        if (!Expired(sequence)) return sequence;
        Remove(key, sequence);
        return null;
    }

    public void Touch(Sequence sequence) => sequence.LastUsed = _time.GetTimestamp();

    public void End(V2Model model, string id, Sequence sequence) => Remove((model.Model.Name, model.Model.Version, id), sequence);

    private void Remove((string, long, string) key, Sequence sequence)
    {
        _sequences.TryRemove(new KeyValuePair<(string, long, string), Sequence>(key, sequence));
        lock (sequence.Gate)
        {
            if (sequence.Closed) return;
            sequence.Closed = true;
            sequence.Steps.Dispose();
        }
    }

    private bool Expired(Sequence sequence) => _time.GetElapsedTime(sequence.LastUsed) > _options.SequenceIdleTimeout;

    private void Sweep()
    {
        foreach (var (key, sequence) in _sequences)
            if (Expired(sequence)) Remove(key, sequence);
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var (key, sequence) in _sequences) Remove(key, sequence);
    }
}
