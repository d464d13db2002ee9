using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Server.Models;

namespace RnnOnnx.Server.Metrics;

/// <summary>
/// Counts and times every request by model and endpoint. Only model names the catalog knows become label values
/// (others count as "unknown"), so clients cannot grow the metric set by inventing names.
/// </summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, ServerMetrics metrics, ModelCatalog catalog, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        string endpointName = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "none";
        string model = context.GetRouteValue("name") is string name ? (catalog.Contains(name) ? name : "unknown") : "";
        long start = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            metrics.ObserveRequest(model, endpointName, context.Response.StatusCode, time.GetElapsedTime(start));
        }
    }
}
