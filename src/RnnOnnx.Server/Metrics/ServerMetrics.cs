using Prometheus;

namespace RnnOnnx.Server.Metrics;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (two hosts in one process, as in tests, count apart):
/// requests, errors and latency per model and endpoint, batch sizes per model, requests in flight, open streams, and the process's and runtime's own metrics.
/// </summary>
internal sealed class ServerMetrics
{
    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Histogram _latency;
    private readonly Histogram _batchSize;

    public ServerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        // Process and runtime metrics (process_cpu_seconds_total, process_working_set_bytes, dotnet_collection_count_total, ...).
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("rnnonnx_requests_total", "HTTP requests answered, by model, endpoint and status code.",
            new CounterConfiguration { LabelNames = ["model", "endpoint", "status"] });
        _errors = factory.CreateCounter("rnnonnx_request_errors_total", "Requests answered with a 4xx or 5xx status, by model, endpoint and status code.",
            new CounterConfiguration { LabelNames = ["model", "endpoint", "status"] });
        _latency = factory.CreateHistogram("rnnonnx_request_duration_seconds", "Time from request to response, by model and endpoint.",
            new HistogramConfiguration { LabelNames = ["model", "endpoint"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        _batchSize = factory.CreateHistogram("rnnonnx_forecast_batch_size", "Forecasts per ONNX Runtime call, by model.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        InFlight = factory.CreateGauge("rnnonnx_requests_in_flight", "Model requests holding a concurrency permit now.");
        Streams = factory.CreateGauge("rnnonnx_streams", "Streaming forecast sessions held now.");
    }

    public CollectorRegistry Registry { get; }

    public Gauge InFlight { get; }

    public Gauge Streams { get; }

    public void ObserveRequest(string model, string endpoint, int status, TimeSpan elapsed)
    {
        string code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _requests.WithLabels(model, endpoint, code).Inc();
        if (status >= 400) _errors.WithLabels(model, endpoint, code).Inc();
        _latency.WithLabels(model, endpoint).Observe(elapsed.TotalSeconds);
    }

    public void ObserveBatch(string model, int size) => _batchSize.WithLabels(model).Observe(size);
}
