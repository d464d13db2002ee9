using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RnnOnnx.Server.Hosting;

namespace RnnOnnx.Server.Problems;

/// <summary>
/// Turns every error escaping an endpoint into an RFC 7807 problem: what the client sent wrong is a 4xx naming the
/// field or value (bad JSON, wrong types, bad data, unknown model, too large), only our own faults are 500s.
/// </summary>
internal sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status >= 500) ServerLog.RequestFailed(logger, exception, httpContext.Request.Path);
        await ProblemWriter.WriteAsync(httpContext, status, title, detail, exception);
        return true;
    }

    private static (int Status, string Title, string Detail) Classify(Exception exception) => exception switch
    {
        ProblemException p => (p.Status, p.Title, p.Message),
        // Minimal API binding failures: the JSON error underneath names the path and position of the bad value.
        BadHttpRequestException { InnerException: JsonException json } b => (b.StatusCode, "Invalid JSON body", $"{b.Message} {json.Message}"),
        BadHttpRequestException b => (b.StatusCode, b.StatusCode == 413 ? "Request body too large" : "Bad request", b.Message),
        JsonException json => (400, "Invalid JSON body", json.Message),
        DataException or ShapeException => (400, "Invalid input", exception.Message),
        // Anything else RnnOnnx raises on purpose is about this input meeting this model (e.g. ONNX Runtime refusing /run's tensors).
        RnnOnnxException => (422, "The model cannot run this input", exception.Message),
        _ => (500, "Internal server error", "The server failed on this request; the error is in its log."),
    };
}
