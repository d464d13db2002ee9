using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
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
        if (exception is BadHttpRequestException { InnerException: JsonException json } && UnknownMember(httpContext, json) is { } unknown)
            (title, detail) = ("Invalid JSON body", unknown);
        // The protocol's clients (and Triton) know 400 for a request a model cannot run.
        if (status == 422 && ProblemWriter.IsV2(httpContext.Request.Path)) status = 400;
        if (status >= 500) ServerLog.RequestFailed(logger, exception, httpContext.Request.Path);
        await ProblemWriter.WriteAsync(httpContext, status, title, detail, exception);
        return true;
    }

    /// <summary>
    /// For a JSON member the request type does not have: a message naming the member and the members the endpoint
    /// takes, instead of System.Text.Json's, which names a .NET type.
    /// </summary>
    private static string? UnknownMember(HttpContext context, JsonException json)
    {
        if (!json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal)) return null;
        // The exception handler has cleared the request's endpoint; its feature keeps the one that failed.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var type = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        string path = json.Path ?? "$";
        int dot = path.LastIndexOf('.');
        string member = dot >= 0 ? path[(dot + 1)..].Trim('[', ']', '\'', '"') : path;
        string expected = type is null ? "" : "; this endpoint takes " + string.Join(", ",
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => $"'{JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)}'"));
        return $"The body has a field '{member}' (at {path}) that {context.Request.Method} {context.Request.Path} does not take{expected}.";
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
