using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using RnnOnnx.Server.Contracts;
using RnnOnnx.Server.Metrics;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Streams;

namespace RnnOnnx.Server.Endpoints;

/// <summary>
/// What operators and orchestrators call: <c>/healthz</c> (the process answers), <c>/readyz</c> (models loaded and
/// not shutting down: a load balancer stops sending work while in-flight requests drain), <c>/metrics</c> (Prometheus text).
/// None of them count against the concurrency limit or time out.
/// </summary>
internal static class OperationsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).WithName("healthz").DisableRequestTimeout();
        app.MapGet("/readyz", Ready).WithName("readyz").DisableRequestTimeout();
        app.MapGet("/metrics", WriteMetricsAsync).WithName("metrics").DisableRequestTimeout();
    }

    private static JsonHttpResult<Readiness> Ready(ModelCatalog catalog, IHostApplicationLifetime lifetime)
    {
        var models = catalog.All.ToDictionary(m => m.Name, m => m.Ready ? "ready" : "not ready: " + m.NotReadyReason);
        return lifetime.ApplicationStopping.IsCancellationRequested
            ? TypedResults.Json(new Readiness("stopping", models), statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Json(new Readiness("ready", models));
    }

    private static async Task WriteMetricsAsync(HttpContext context, ServerMetrics metrics, StreamStore streams)
    {
        metrics.Streams.Set(streams.Count);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}
