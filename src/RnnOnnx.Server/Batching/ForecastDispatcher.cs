using System.Collections.Concurrent;
using RnnOnnx.Forecasting;
using RnnOnnx.Server.Metrics;
using RnnOnnx.Server.Models;

namespace RnnOnnx.Server.Batching;

/// <summary>Sends a forecast through its model's <see cref="ForecastBatcher"/>, or straight to the model when batching is off.</summary>
internal sealed class ForecastDispatcher(ServerOptions options, TimeProvider time, ServerMetrics metrics) : IAsyncDisposable
{
    // Lazy: GetOrAdd may run its factory twice under a race, and a discarded batcher would leave its loop running.
    private readonly ConcurrentDictionary<string, Lazy<ForecastBatcher>> _batchers = new(StringComparer.Ordinal);

    public async Task<RnnForecast> ForecastAsync(ServedModel model, RnnForecastInput input, CancellationToken cancellationToken)
    {
        var forecaster = model.Forecaster!;
        if (!options.Batching)
        {
            metrics.ObserveBatch(model.Name, 1);
            return forecaster.ForecastBatch([input])[0];
        }
        var batcher = _batchers.GetOrAdd(model.Name, _ => new Lazy<ForecastBatcher>(() =>
            new ForecastBatcher(forecaster, options.MaxBatchSize, options.MaxBatchWait, time, size => metrics.ObserveBatch(model.Name, size)))).Value;
        return await batcher.ForecastAsync(input, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var batcher in _batchers.Values.Where(b => b.IsValueCreated)) await batcher.Value.DisposeAsync().ConfigureAwait(false);
    }
}
