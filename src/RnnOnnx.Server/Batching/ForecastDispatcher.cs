using System.Collections.Concurrent;
using RnnOnnx.Forecasting;
using RnnOnnx.Server.Metrics;
using RnnOnnx.Server.Models;

namespace RnnOnnx.Server.Batching;

/// <summary>Sends a forecast through its model's <see cref="ForecastBatcher"/>, or straight to the model when batching is off.</summary>
/// One batcher per loaded model (not per name): a reloaded model gets a new one, and the old one finishes its queue and stops.
internal sealed class ForecastDispatcher : IAsyncDisposable
{
    // Lazy: GetOrAdd may run its factory twice under a race, and a discarded batcher would leave its loop running.
    private readonly ConcurrentDictionary<ServedModel, Lazy<ForecastBatcher>> _batchers = new(ReferenceEqualityComparer.Instance);
    private readonly ServerOptions options;
    private readonly TimeProvider time;
    private readonly ServerMetrics metrics;

    public ForecastDispatcher(ServerOptions options, TimeProvider time, ServerMetrics metrics, ModelCatalog catalog)
    {
        (this.options, this.time, this.metrics) = (options, time, metrics);
        catalog.Retired += model =>
        {
            if (_batchers.TryRemove(model, out var batcher) && batcher.IsValueCreated) _ = batcher.Value.DisposeAsync().AsTask();
        };
    }

    public async Task<RnnForecast> ForecastAsync(ServedModel model, RnnForecastInput input, CancellationToken cancellationToken)
    {
        var forecaster = model.Forecaster!;
        if (!options.Batching || model.Retired)
        {
            metrics.ObserveBatch(model.Name, 1);
            return forecaster.ForecastBatch([input])[0];
        }
        var batcher = _batchers.GetOrAdd(model, _ => new Lazy<ForecastBatcher>(() =>
            new ForecastBatcher(forecaster, options.MaxBatchSize, options.MaxBatchWait, time, size => metrics.ObserveBatch(model.Name, size)))).Value;
        try
        {
            return await batcher.ForecastAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (!_disposed)
        {
            // The model was reloaded between this request's lookup and its batcher taking the job: run it alone on
            // the model it looked up, which stays open for its grace period.
            metrics.ObserveBatch(model.Name, 1);
            return forecaster.ForecastBatch([input])[0];
        }
    }

    private volatile bool _disposed;

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var batcher in _batchers.Values.Where(b => b.IsValueCreated)) await batcher.Value.DisposeAsync().ConfigureAwait(false);
    }
}
