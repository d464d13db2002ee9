using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Server.Contracts;
using RnnOnnx.Server.Hosting;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;
using SkiaSharp;

namespace RnnOnnx.Server.Endpoints;

/// <summary>
/// <c>POST /v1/models/{name}/caption</c> with the image's bytes as the body (PNG, JPEG, WebP, GIF, BMP): the
/// image is decoded first, so bytes that are not an image get a 400 whatever the model; then the model's
/// <see cref="IImageCaptioner"/> captions it.
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
        using var image = Decode(body.ToArray());
        var captioner = catalog.Get(name, ModelTask.Caption).Captioner!;
        return new CaptionResponse(name, captioner.Caption(image, cancellationToken));
    }

    private static SKBitmap Decode(byte[] bytes)
    {
        // SKBitmap.Decode throws on bytes no codec recognises; asking for the codec first tells that case apart.
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        return (codec is null ? null : SKBitmap.Decode(codec))
            ?? throw new ProblemException(400, "Invalid image", $"The body's {bytes.Length} bytes are not an image SkiaSharp can decode (PNG, JPEG, WebP, GIF or BMP).");
    }
}
