using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Hosting;

/// <summary>
/// Gives each endpoint its body limit: a declared length past it is refused at once (413, before a byte is read),
/// and the server's own limit (Kestrel's, per request) stops a body without a declared length once it passes it.
/// </summary>
internal sealed class BodySizeLimitMiddleware(RequestDelegate next, ServerOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        bool image = context.GetEndpoint()?.Metadata.GetMetadata<ImageBodyMetadata>() is not null;
        long limit = image ? options.MaxImageBytes : options.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
            throw new ProblemException(413, "Request body too large",
                $"The body has {context.Request.ContentLength} bytes; this endpoint takes at most {limit} ({(image ? "MaxImageBytes" : "MaxRequestBytes")}).");
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        return next(context);
    }
}
