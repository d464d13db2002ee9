namespace RnnOnnx.Captioning;

/// <summary>The two size classes of the captioning scenes; the side ranges are in <see cref="SceneSpec"/>.</summary>
public enum SceneSize
{
    /// <summary>Bounding-box side 12..16 px.</summary>
    Small,
    /// <summary>Bounding-box side 24..30 px.</summary>
    Large,
}
