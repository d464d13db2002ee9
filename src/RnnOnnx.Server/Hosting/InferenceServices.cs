using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RnnOnnx.Server.Batching;
using RnnOnnx.Server.Metrics;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;
using RnnOnnx.Server.Streams;
using RnnOnnx.Server.V2;

namespace RnnOnnx.Server.Hosting;

/// <summary>
/// The host's services. Everything that depends on <see cref="ServerOptions"/> reads the registered instance when it
/// is first resolved, so a test host can swap the options before the app starts.
/// </summary>
internal static class InferenceServices
{
    public static void Add(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<ForecastDispatcher>();
        services.AddSingleton<StreamStore>();
        services.AddSingleton<SequenceStore>();
        services.AddHostedService<CatalogWarmup>();
        services.AddHostedService<RepositoryPoller>();
        services.AddOpenApi();

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // A misspelt field ("histroy") is an error naming it, not a silently missing value.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // The web defaults read numbers from strings; "NaN" in a history must be an error, not a missing value.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        services.AddOptions<KestrelServerOptions>().Configure<ServerOptions>((kestrel, s) => kestrel.Limits.MaxRequestBodySize = Math.Max(s.MaxRequestBytes, s.MaxImageBytes));
        services.AddOptions<HostOptions>().Configure<ServerOptions>((host, s) => host.ShutdownTimeout = s.ShutdownTimeout);

        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<ServerOptions>((timeouts, s) => timeouts.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = s.RequestTimeout,
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            WriteTimeoutResponse = context => ProblemWriter.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "Request timed out",
                $"The request took longer than this server's limit of {s.RequestTimeout.TotalSeconds:0.###} s and was stopped."),
        });

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ServerOptions>((limiter, s) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Routes.IsModelRequest(context.Request.Path)
                ? RateLimitPartition.GetConcurrencyLimiter("models", _ => new ConcurrencyLimiterOptions { PermitLimit = s.MaxConcurrentRequests, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("operations"));
            limiter.OnRejected = (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                return new ValueTask(ProblemWriter.WriteAsync(rejected.HttpContext, StatusCodes.Status503ServiceUnavailable, "Server busy",
                    $"{s.MaxConcurrentRequests} model requests are in progress, the most this server takes at once; retry after 1 s."));
            };
        });
    }
}
