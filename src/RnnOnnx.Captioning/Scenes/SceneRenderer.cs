using RnnOnnx.Randomness;
using SkiaSharp;

namespace RnnOnnx.Captioning;

/// <summary>Draws a <see cref="ShapeScene"/> with SkiaSharp: flat background, solid shapes, then optional noise.</summary>
internal static class SceneRenderer
{
    public static SKBitmap Render(ShapeScene scene)
    {
        var bitmap = new SKBitmap(new SKImageInfo(SceneSpec.ImageSize, SceneSpec.ImageSize, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = scene.Antialiased, Style = SKPaintStyle.Fill })
        {
            canvas.Clear(scene.Background);
            foreach (var item in scene.Objects)
            {
                paint.Color = item.Fill;
                Draw(canvas, item, paint);
            }
        }
        if (scene.NoiseStandardDeviation > 0) AddNoise(bitmap, scene.NoiseStandardDeviation, scene.NoiseSeed);
        return bitmap;
    }

    private static void Draw(SKCanvas canvas, SceneObject item, SKPaint paint)
    {
        float left = item.Left, top = item.Top, side = item.Side;
        switch (item.Shape)
        {
            case SceneShape.Circle:
                canvas.DrawCircle(item.CentreX, item.CentreY, side / 2f, paint);
                break;
            case SceneShape.Square:
                canvas.DrawRect(left, top, side, side, paint);
                break;
            case SceneShape.Triangle:
                using (var path = new SKPath())
                {
                    path.MoveTo(item.CentreX, top);
                    path.LineTo(left + side, top + side);
                    path.LineTo(left, top + side);
                    path.Close();
                    canvas.DrawPath(path, paint);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(item), item.Shape, "Not a scene shape.");
        }
    }

    /// <summary>Adds N(0, σ²) to R, G and B of every pixel, rounds to the nearest integer and clamps to 0..255.</summary>
    private static unsafe void AddNoise(SKBitmap bitmap, float standardDeviation, ulong seed)
    {
        var rng = new Rng(seed);
        byte* pixels = (byte*)bitmap.GetPixels();
        for (int y = 0; y < bitmap.Height; y++)
        {
            var row = new Span<byte>(pixels + (long)y * bitmap.RowBytes, bitmap.Width * 4);
            for (int i = 0; i < row.Length; i++)
            {
                if (i % 4 == 3) continue; // alpha stays opaque
                float noisy = row[i] + standardDeviation * rng.NextGaussian();
                row[i] = (byte)Math.Clamp(MathF.Round(noisy), 0f, 255f);
            }
        }
    }
}
