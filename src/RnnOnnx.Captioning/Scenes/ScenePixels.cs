using SkiaSharp;

namespace RnnOnnx.Captioning;

/// <summary>
/// Scene images as model input, in exactly the layout ML.NET's image pipeline produces from a scene's PNG:
/// <c>LoadImages → ResizeImages(64, 64) → ExtractPixels()</c> with ExtractPixels' defaults
/// (<c>interleavePixelColors: false</c>, <c>colorsToExtract: Rgb</c>, <c>scaleImage: 1</c>, <c>offsetImage: 0</c>,
/// <c>outputAsFloatArray: true</c>). That is planar channel-height-width: all 64×64 red values row by row, then
/// green, then blue, each the raw byte value 0..255 as a float (ExtractPixels computes (value − offset) × scale).
/// </summary>
public static class ScenePixels
{
    /// <summary>Floats per scene: 3 channels × 64 × 64.</summary>
    public const int Length = 3 * SceneSpec.ImageSize * SceneSpec.ImageSize;

    /// <summary>Planar R, G, B floats 0..255 of an opaque 64×64 bitmap; throws <see cref="ShapeException"/> for another size.</summary>
    public static float[] FromBitmap(SKBitmap bitmap) => FromRgba(bitmap, SceneSpec.ImageSize, SceneSpec.ImageSize);

    /// <summary>Planar R, G, B floats 0..255 of an opaque <paramref name="width"/>×<paramref name="height"/> bitmap; throws <see cref="ShapeException"/> for another size.</summary>
    public static float[] FromRgba(SKBitmap bitmap, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        if (bitmap.Width != width || bitmap.Height != height)
            throw new ShapeException($"Bitmap is {bitmap.Width}×{bitmap.Height} pixels, expected {width}×{height}.");
        using var converted = bitmap.ColorType == SKColorType.Rgba8888 ? null
            : bitmap.Copy(SKColorType.Rgba8888) ?? throw new ShapeException($"Bitmap of colour type {bitmap.ColorType} cannot be read as RGBA.");
        var source = converted ?? bitmap;
        ReadOnlySpan<byte> rgba = source.GetPixelSpan();
        int rowBytes = source.RowBytes, plane = width * height;
        var pixels = new float[3 * plane];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int from = y * rowBytes + x * 4, to = y * width + x;
                pixels[to] = rgba[from];
                pixels[plane + to] = rgba[from + 1];
                pixels[2 * plane + to] = rgba[from + 2];
            }
        }
        return pixels;
    }

    /// <summary>The bitmap as PNG file bytes (lossless, so decoding gives back the same pixels).</summary>
    public static byte[] EncodePng(SKBitmap bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the scene as PNG.");
        return data.ToArray();
    }
}
