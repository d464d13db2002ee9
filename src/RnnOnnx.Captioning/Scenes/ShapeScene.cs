using System.Collections.ObjectModel;
using SkiaSharp;

namespace RnnOnnx.Captioning;

/// <summary>
/// One generated scene: its objects from left to right, how it is rendered, and its correct captions. Rendering is a
/// pure function of these values (the noise comes from <see cref="NoiseSeed"/>), so a scene draws the same pixels
/// every time.
/// </summary>
public sealed class ShapeScene
{
    internal ShapeScene(IReadOnlyList<SceneObject> objects, SKColor background, bool antialiased, float noiseStandardDeviation, ulong noiseSeed)
    {
        if (objects.Count is < 1 or > 2) throw new ArgumentException($"A scene has 1 or 2 objects, got {objects.Count}.", nameof(objects));
        Objects = new ReadOnlyCollection<SceneObject>([.. objects.OrderBy(o => o.CentreX)]);
        Background = background;
        Antialiased = antialiased;
        NoiseStandardDeviation = noiseStandardDeviation;
        NoiseSeed = noiseSeed;
        if (Objects.Count == 1)
        {
            References = new ReadOnlyCollection<string>([Objects[0].Phrase]);
        }
        else
        {
            References = new ReadOnlyCollection<string>(
            [
                $"{Objects[0].Phrase} to the left of {Objects[1].Phrase}",
                $"{Objects[1].Phrase} to the right of {Objects[0].Phrase}",
            ]);
        }
    }

    /// <summary>The objects ordered by the horizontal centre of their bounding boxes, left first.</summary>
    public ReadOnlyCollection<SceneObject> Objects { get; }

    /// <summary>The flat background colour, each channel in 235..255, before noise.</summary>
    public SKColor Background { get; }

    /// <summary>Whether edges are anti-aliased.</summary>
    public bool Antialiased { get; }

    /// <summary>Standard deviation of the Gaussian noise added to every channel of every pixel (0 = none).</summary>
    public float NoiseStandardDeviation { get; }

    /// <summary>Seed of this scene's noise, so that rendering twice gives the same pixels.</summary>
    public ulong NoiseSeed { get; }

    /// <summary>The canonical caption: with two objects, the left one named first ("... to the left of ...").</summary>
    public string Caption => References[0];

    /// <summary>Every correct caption: one for one object; for two, the left-first form and the right-first form.</summary>
    public ReadOnlyCollection<string> References { get; }

    /// <summary>Draws the scene into a new 64×64 opaque RGBA bitmap; the caller disposes it.</summary>
    public SKBitmap Render() => SceneRenderer.Render(this);

    /// <summary>The rendered scene as PNG file bytes.</summary>
    public byte[] ToPng()
    {
        using var bitmap = Render();
        return ScenePixels.EncodePng(bitmap);
    }

    /// <summary>
    /// The rendered scene as the floats ML.NET's LoadImages → ResizeImages(64, 64) → ExtractPixels() pipeline makes of
    /// its PNG: see <see cref="ScenePixels.FromBitmap"/>.
    /// </summary>
    public float[] ToPixels()
    {
        using var bitmap = Render();
        return ScenePixels.FromBitmap(bitmap);
    }
}
