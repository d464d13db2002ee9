using SkiaSharp;

namespace RnnOnnx.Captioning;

/// <summary>
/// One object of a scene: what a caption names (shape, size class, colour name) and how it is drawn (a square
/// bounding box in pixel coordinates and the jittered fill).
/// </summary>
/// <param name="Shape">The shape.</param>
/// <param name="Size">The size class; <paramref name="Side"/> lies in its range.</param>
/// <param name="Color">The colour name; <paramref name="Fill"/> is this colour jittered.</param>
/// <param name="Left">Left edge of the bounding box (the box covers pixel columns Left..Left+Side-1).</param>
/// <param name="Top">Top edge of the bounding box (the box covers pixel rows Top..Top+Side-1).</param>
/// <param name="Side">Width and height of the bounding box in pixels.</param>
/// <param name="Fill">The fill actually drawn (opaque).</param>
public sealed record SceneObject(SceneShape Shape, SceneSize Size, SceneColor Color, int Left, int Top, int Side, SKColor Fill)
{
    /// <summary>Horizontal centre of the bounding box, in pixels from the left edge of the image.</summary>
    public float CentreX => Left + Side / 2f;

    /// <summary>Vertical centre of the bounding box, in pixels from the top edge of the image.</summary>
    public float CentreY => Top + Side / 2f;

    /// <summary>The bounding box as a rectangle (right and bottom exclusive).</summary>
    public SKRectI Bounds => new(Left, Top, Left + Side, Top + Side);

    /// <summary>How a caption names this object, e.g. "a small red circle".</summary>
    public string Phrase => $"a {SceneVocabulary.Word(Size)} {SceneVocabulary.Word(Color)} {SceneVocabulary.Word(Shape)}";
}
