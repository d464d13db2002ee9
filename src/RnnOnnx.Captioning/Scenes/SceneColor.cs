namespace RnnOnnx.Captioning;

/// <summary>The five named fill colours of the captioning scenes; their RGB values are in <see cref="SceneSpec"/>.</summary>
public enum SceneColor
{
    /// <summary>220, 40, 40.</summary>
    Red,
    /// <summary>40, 170, 60.</summary>
    Green,
    /// <summary>40, 80, 220.</summary>
    Blue,
    /// <summary>230, 200, 40.</summary>
    Yellow,
    /// <summary>140, 60, 180.</summary>
    Purple,
}
