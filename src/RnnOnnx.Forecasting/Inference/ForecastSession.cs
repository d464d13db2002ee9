using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime;

namespace RnnOnnx.Forecasting.Inference;

/// <summary>
/// The forecaster's step graph on ONNX Runtime: scaled differences [rows, T, 1] and states in, per-step forecasts
/// [rows, T, H] and states out. Zero states and the whole context in one call is the full model; one step with the
/// previous states is a streaming update. One ONNX Runtime session, shared (its Run is thread-safe); each stream
/// carries its state in its own <see cref="StepSession"/>, and batch calls borrow pooled step sessions.
/// </summary>
internal sealed class ForecastSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly StepGraph _graph;
    // Checkpoints list the states in the ordinal order of their input names (what earlier versions wrote):
    // _checkpointOrder[i] is the contract's pair index of checkpoint slot i.
    private readonly int[] _checkpointOrder;
    private readonly ConcurrentBag<StepSession> _pool = [];

    public ForecastSession(byte[] model, string source, ExecutionProvider provider, Action<string>? warn)
    {
        _session = SessionFactory.Create(model, source, provider, intraOpThreads: 1, warn ?? (m => Console.Error.WriteLine(m)), out _);
        try
        {
            _graph = StepSession.ContractOf(_session);
            using var probe = new StepSession(_session, _graph, rows: 0);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        _checkpointOrder = Enumerable.Range(0, _graph.States.Count).OrderBy(i => _graph.States[i].InputName, StringComparer.Ordinal).ToArray();
    }

    /// <summary>A stream's step session: one row, zero states.</summary>
    public StepSession CreateStream() => new(_session, _graph, rows: 1);

    /// <summary>Zero states in checkpoint order (their lengths are what a checkpoint must hold).</summary>
    public float[][] ZeroStates() => _checkpointOrder.Select(i => new float[_graph.States[i].Width!.Value]).ToArray();

    /// <summary>A stream's states in checkpoint order.</summary>
    public float[][] ReadStates(StepSession stream) => _checkpointOrder.Select(i => stream.State(0, i).ToArray()).ToArray();

    /// <summary>Sets a stream's states from checkpoint order.</summary>
    public void WriteStates(StepSession stream, float[][] states)
    {
        for (int k = 0; k < _checkpointOrder.Length; k++) states[k].CopyTo(stream.State(0, _checkpointOrder[k]));
    }

    /// <summary>Runs <paramref name="steps"/> on a stream from its carried states; writes the last step's H outputs to <paramref name="forecast"/>.</summary>
    public static void Run(StepSession stream, ReadOnlySpan<float> steps, Span<float> forecast)
    {
        stream.Run(steps, steps.Length);
        stream.LastStep(0)[^forecast.Length..].CopyTo(forecast);
    }

    /// <summary>
    /// Runs B contexts of one length T from zero states as one [B, T, 1] batch; returns each row's last-step H outputs.
    /// </summary>
    public float[][] RunBatch(float[][] contexts, int horizon)
    {
        int b = contexts.Length, t = contexts[0].Length;
        if (!_pool.TryTake(out var batch)) batch = new StepSession(_session, _graph, rows: 0);
        var steps = ArrayPool<float>.Shared.Rent(b * t);
        try
        {
            for (int r = 0; r < b; r++) contexts[r].CopyTo(steps, r * t);
            batch.Resize(b);
            batch.Reset();
            batch.Run(steps.AsSpan(0, b * t), t);
            // Output is [B, T, H] and only each row's last step is wanted: read it where ONNX Runtime wrote it.
            var rows = new float[b][];
            for (int r = 0; r < b; r++) rows[r] = batch.LastStep(r)[^horizon..].ToArray();
            return rows;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(steps);
            _pool.Add(batch);
        }
    }

    public void Dispose()
    {
        while (_pool.TryTake(out var batch)) batch.Dispose();
        _session.Dispose();
    }
}
