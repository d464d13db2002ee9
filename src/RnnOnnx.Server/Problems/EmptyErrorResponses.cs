using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace RnnOnnx.Server.Problems;

/// <summary>
/// Gives a problem body to the errors ASP.NET Core answers without one (no route, wrong method, a body that is not
/// JSON), so that every 4xx a client gets says what to do.
/// </summary>
internal static class EmptyErrorResponses
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        int status = http.Response.StatusCode;
        string list = ProblemWriter.IsV2(http.Request.Path) ? "GET /v2/models/{name} describes a model" : "GET /v1/models lists each model's endpoints";
        string detail = status switch
        {
            StatusCodes.Status404NotFound => $"There is no endpoint at {http.Request.Path}; {list}.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Path} does not take {http.Request.Method}; {list}.",
            StatusCodes.Status415UnsupportedMediaType => $"This endpoint takes a JSON body with Content-Type: application/json, not '{http.Request.ContentType}'.",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return ProblemWriter.WriteAsync(http, status, ReasonPhrases.GetReasonPhrase(status), detail);
    }
}
