using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RnnOnnx.Server.Endpoints;
using RnnOnnx.Server.Hosting;
using RnnOnnx.Server.Metrics;
using RnnOnnx.Server.Problems;
using RnnOnnx.Server.V2;

namespace RnnOnnx.Server;

/// <summary>
/// The HTTP inference host: every <c>.onnx</c> of a folder behind ASP.NET Core minimal API endpoints
/// (<c>/v1/models</c>, <c>/v1/models/{name}/forecast|generate|caption|run</c>, streaming forecast sessions,
/// <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>), the Open Inference Protocol (KServe v2 REST, as Triton: <c>/v2</c>,
/// <c>/v2/health/live|ready</c>, <c>/v2/models/{name}[/versions/{v}][/ready|/infer]</c>) and the OpenAPI document
/// (<c>/openapi/v1.json</c>) on Kestrel.
/// <code>
/// var app = InferenceHost.Build(new ServerOptions { ModelsDirectory = "models/forecast" }, ["http://127.0.0.1:8080"]);
/// app.Run(); // Ctrl+C or SIGTERM: stops taking requests, finishes those in flight, exits
/// </code>
/// </summary>
public static class InferenceHost
{
    /// <summary>Builds the host (models load when it starts).</summary>
    /// <param name="options">What to serve and the limits; checked first.</param>
    /// <param name="urls">Addresses to listen on (default: ASP.NET Core's, <c>http://localhost:5000</c>).</param>
    /// <param name="args">Command-line style configuration for ASP.NET Core itself (e.g. <c>--Logging:LogLevel:Default=Warning</c>).</param>
    /// <exception cref="ArgumentException">An option is out of range or the models folder does not exist.</exception>
    public static WebApplication Build(ServerOptions options, IEnumerable<string>? urls = null, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        // A line per request is too much for a server answering thousands a second; start-up, shutdown and errors stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A start-up failure (e.g. the port is taken) is reported once by the caller, not also as a logged stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (options.JsonLogs)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        }
        if (options.AccessLog) builder.Logging.AddFilter(AccessLogMiddleware.Category, LogLevel.Information);
        InferenceServices.Add(builder.Services, options);
        var app = builder.Build();
        foreach (var url in urls ?? []) app.Urls.Add(url);

        // Order matters: routing first so that metrics, limits and timeouts know the endpoint; metrics outermost
        // so that they count what the exception handler, the body limit and the concurrency limit answer.
        app.UseRouting();
        if (options.AccessLog) app.UseMiddleware<AccessLogMiddleware>();
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(EmptyErrorResponses.WriteAsync);
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.UseMiddleware<InFlightMiddleware>();

        var models = app.MapGroup(Routes.Models);
        ModelListEndpoint.Map(models);
        ForecastEndpoint.Map(models);
        StreamEndpoints.Map(models);
        GenerateEndpoint.Map(models);
        CaptionEndpoint.Map(models);
        RunEndpoint.Map(models);
        OperationsEndpoints.Map(app);
        V2Endpoints.Map(app);
        app.MapOpenApi().DisableRequestTimeout();
        return app;
    }
}
