using Microsoft.AspNetCore.Http;
using RnnOnnx.Server.Hosting;

namespace RnnOnnx.Server.Metrics;

/// <summary>Keeps <see cref="ServerMetrics.InFlight"/>: placed after the concurrency limiter, it counts requests holding a permit.</summary>
internal sealed class InFlightMiddleware(RequestDelegate next, ServerMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!Routes.IsModelRequest(context.Request.Path))
        {
            await next(context);
            return;
        }
        metrics.InFlight.Inc();
        try
        {
            await next(context);
        }
        finally
        {
            metrics.InFlight.Dec();
        }
    }
}
