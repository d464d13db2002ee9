using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace RnnOnnx.Server.Problems;

/// <summary>
/// Writes an error as the response: an RFC 7807 problem (<c>application/problem+json</c>) on /v1 and the operations
/// endpoints, and on /v2 the Open Inference Protocol's <c>{"error": "..."}</c> (what Triton answers), so that one
/// client handles both servers.
/// </summary>
internal static class ProblemWriter
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, Exception? exception = null)
    {
        context.Response.StatusCode = status;
        if (IsV2(context.Request.Path))
        {
            context.Response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            writer.WriteStartObject();
            writer.WriteString("error", detail);
            writer.WriteEndObject();
            await writer.FlushAsync(context.RequestAborted);
            return;
        }
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }

    public static bool IsV2(PathString path) => path.StartsWithSegments("/v2");
}
