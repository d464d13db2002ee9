using RnnOnnx.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Captioning;
using RnnOnnx.Server.Contracts;
using RnnOnnx.Server.Hosting;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Endpoints;

/// <summary>
/// <c>POST /v1/models/{name}/caption</c> with the image's bytes as the body (PNG, JPEG, WebP, GIF, BMP): the model's
/// <see cref="ImageCaptioner"/> decodes, resizes and captions it, as
/// `rnnonnx caption` does; bytes that are not an image get a 400 naming why.
/// </summary>
internal static class CaptionEndpoint
{
    public static void Map(RouteGroupBuilder models) =>
        models.MapPost("/{name}/caption", HandleAsync).WithName("caption").WithMetadata(new ImageBodyMetadata());

    private static async Task<CaptionResponse> HandleAsync(string name, HttpRequest request, ModelCatalog catalog, CancellationToken cancellationToken)
    {
        catalog.Find(name);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        if (body.Length == 0) throw new ProblemException(400, "Invalid image", "The body is empty; send the image's bytes (PNG, JPEG, WebP, GIF or BMP).");
        var captioner = catalog.Get(name, ModelTask.Caption).Captioner!;
        var result = captioner.CaptionImages([body.ToArray()])[0];
        return result.Caption is { } caption ? new CaptionResponse(name, caption)
            : throw new ProblemException(400, "Invalid image", $"The body's {body.Length} bytes are not an image the captioner can use: {result.Error}.");
    }
}
