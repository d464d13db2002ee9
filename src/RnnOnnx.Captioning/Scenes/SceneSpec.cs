namespace RnnOnnx.Captioning;

/// <summary>
/// The numbers of the shapes-captioning spec (data/caption/SPEC.md) in one place, so that the generator, its tests
/// and the captioner agree on them.
/// </summary>
public static class SceneSpec
{
    /// <summary>Width and height of every scene, in pixels.</summary>
    public const int ImageSize = 64;

    /// <summary>Smallest value of each background channel.</summary>
    public const int BackgroundMin = 235;

    /// <summary>Largest value of each background channel.</summary>
    public const int BackgroundMax = 255;

    /// <summary>Largest per-pixel noise standard deviation the spec allows.</summary>
    public const float MaxNoiseStandardDeviation = 8f;

    /// <summary>Largest change of each fill channel away from its named colour (before clamping).</summary>
    public const int ColorJitter = 20;

    /// <summary>Smallest horizontal distance between the bounding-box centres of two objects, in pixels.</summary>
    public const int MinCentreDistance = 20;

    /// <summary>Smallest bounding-box side of a size class, in pixels.</summary>
    public static int MinSide(SceneSize size) => SideRange(size).Min;

    /// <summary>Largest bounding-box side of a size class, in pixels.</summary>
    public static int MaxSide(SceneSize size) => SideRange(size).Max;

    private static (int Min, int Max) SideRange(SceneSize size) => size switch
    {
        SceneSize.Small => (12, 16),
        SceneSize.Large => (24, 30),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Not a scene size."),
    };

    /// <summary>The named colour's RGB before jitter.</summary>
    public static (byte R, byte G, byte B) BaseColor(SceneColor color) => color switch
    {
        SceneColor.Red => (220, 40, 40),
        SceneColor.Green => (40, 170, 60),
        SceneColor.Blue => (40, 80, 220),
        SceneColor.Yellow => (230, 200, 40),
        SceneColor.Purple => (140, 60, 180),
        _ => throw new ArgumentOutOfRangeException(nameof(color), color, "Not a scene colour."),
    };
}
