namespace RnnOnnx.Captioning;

/// <summary>How object edges are drawn.</summary>
public enum SceneEdges
{
    /// <summary>Edge pixels blend fill and background by coverage.</summary>
    Antialiased,
    /// <summary>Every pixel is either fill or background.</summary>
    Aliased,
    /// <summary>Each scene is anti-aliased or not with probability ½, so a model cannot depend on either.</summary>
    Mixed,
}
