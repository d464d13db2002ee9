using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RnnOnnx.Server.Hosting;

/// <summary>One log line per request (method, path, status, milliseconds) in category <see cref="Category"/>: <c>serve --access-log</c>.</summary>
internal sealed class AccessLogMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    public const string Category = "RnnOnnx.Server.Access";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext context)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                string path = context.Request.Path.Value ?? "";
                double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                ServerLog.Access(_logger, context.Request.Method, path, context.Response.StatusCode, elapsed);
            }
        }
    }
}
