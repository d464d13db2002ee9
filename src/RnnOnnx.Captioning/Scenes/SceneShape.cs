namespace RnnOnnx.Captioning;

/// <summary>The three shapes of the captioning scenes (SPEC.md, "Objects").</summary>
public enum SceneShape
{
    /// <summary>A circle whose diameter is the bounding-box side.</summary>
    Circle,
    /// <summary>An axis-aligned square filling its bounding box.</summary>
    Square,
    /// <summary>An isosceles triangle, apex up, base horizontal, height equal to the base width.</summary>
    Triangle,
}
