using SkiaSharp;

namespace RnnOnnx.Server.Models;

/// <summary>
/// What the caption endpoint needs from a loaded caption model: one decoded image in, one caption out. The
/// captioning model type plugs in here (see <see cref="ModelLoader"/>); it must be safe to call from many requests.
/// </summary>
internal interface IImageCaptioner : IDisposable
{
    string Caption(SKBitmap image, CancellationToken cancellationToken);
}
