using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace RnnOnnx.Server.Problems;

/// <summary>Writes an RFC 7807 problem (<c>application/problem+json</c>) as the response.</summary>
internal static class ProblemWriter
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, Exception? exception = null)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }
}
