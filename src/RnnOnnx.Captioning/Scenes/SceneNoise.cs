namespace RnnOnnx.Captioning;

/// <summary>Whether pixels get Gaussian noise.</summary>
public enum SceneNoise
{
    /// <summary>No noise: background and fills are flat.</summary>
    None,
    /// <summary>Every scene gets noise of <see cref="SceneRendering.NoiseStandardDeviation"/>.</summary>
    Noisy,
    /// <summary>Each scene draws its standard deviation uniformly from 0 to <see cref="SceneRendering.NoiseStandardDeviation"/>.</summary>
    Mixed,
}
