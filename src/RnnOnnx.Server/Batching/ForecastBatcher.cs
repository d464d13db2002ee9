using System.Threading.Channels;
using RnnOnnx.Forecasting;

namespace RnnOnnx.Server.Batching;

/// <summary>
/// Gathers one model's concurrent forecast requests into one <see cref="RnnForecastModel.ForecastBatch(IReadOnlyList{RnnForecastInput})"/> call:
/// everything queued while the previous call ran goes into the next (up to the maximum batch size). Then the batch
/// waits, at most the maximum wait, only until it is as large as the previous one: clients answered together tend to
/// come back together, and a batch that waited for requests no one is about to send would only add latency. A lone
/// client (previous batch of one) is never made to wait.
/// </summary>
internal sealed class ForecastBatcher : IAsyncDisposable
{
    private readonly RnnForecastModel _model;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxWait;
    private readonly TimeProvider _time;
    private readonly Action<int> _onBatch;
    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public ForecastBatcher(RnnForecastModel model, int maxBatch, TimeSpan maxWait, TimeProvider time, Action<int> onBatch)
    {
        (_model, _maxBatch, _maxWait, _time, _onBatch) = (model, maxBatch, maxWait, time, onBatch);
        _loop = Task.Run(LoopAsync);
    }

    private sealed record Job(RnnForecastInput Input, TaskCompletionSource<RnnForecast> Done);

    public Task<RnnForecast> ForecastAsync(RnnForecastInput input, CancellationToken cancellationToken)
    {
        var job = new Job(input, new TaskCompletionSource<RnnForecast>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(job)) throw new ObjectDisposedException(nameof(ForecastBatcher), "The server is shutting down.");
        // A cancelled request stops waiting; its row is still computed with the others (cheaper than taking it out).
        return job.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task LoopAsync()
    {
        var batch = new List<Job>(_maxBatch);
        int previous = 1;
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var job)) batch.Add(job);
            int target = Math.Min(previous, _maxBatch);
            if (batch.Count < target && _maxWait > TimeSpan.Zero) await GatherMoreAsync(batch, target).ConfigureAwait(false);
            previous = batch.Count;
            Run(batch);
        }
    }

    private async Task GatherMoreAsync(List<Job> batch, int target)
    {
        long start = _time.GetTimestamp();
        var reader = _queue.Reader;
        while (batch.Count < target)
        {
            if (reader.TryRead(out var job)) { batch.Add(job); continue; }
            var left = _maxWait - _time.GetElapsedTime(start);
            if (left <= TimeSpan.Zero) return;
            using var timeout = new CancellationTokenSource(left, _time);
            try
            {
                if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Run(List<Job> batch)
    {
        try
        {
            var results = _model.ForecastBatch(batch.Select(j => j.Input).ToArray());
            for (int i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        }
        catch (Exception e)
        {
            foreach (var job in batch) job.Done.TrySetException(e);
        }
        _onBatch(batch.Count);
    }

    /// <summary>Takes no more requests and finishes those queued (shutdown lets requests in flight complete).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
