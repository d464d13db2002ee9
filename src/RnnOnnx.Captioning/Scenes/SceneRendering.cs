namespace RnnOnnx.Captioning;

/// <summary>
/// How a <see cref="SceneGenerator"/> renders its scenes. The defaults (mixed edges, mixed noise up to the spec's
/// maximum) are meant for training, so that a model sees every kind of rendering the spec allows.
/// </summary>
public sealed record SceneRendering
{
    /// <summary>Anti-aliased, aliased, or either at random per scene.</summary>
    public SceneEdges Edges { get; init; } = SceneEdges.Mixed;

    /// <summary>No noise, always <see cref="NoiseStandardDeviation"/>, or a standard deviation drawn per scene.</summary>
    public SceneNoise Noise { get; init; } = SceneNoise.Mixed;

    /// <summary>The noise standard deviation (Noisy) or its upper bound (Mixed), 0..8 per the spec.</summary>
    public float NoiseStandardDeviation { get; init; } = SceneSpec.MaxNoiseStandardDeviation;

    /// <summary>Flat scenes with anti-aliased edges: what a clean evaluation set looks like.</summary>
    public static SceneRendering Clean { get; } = new() { Edges = SceneEdges.Antialiased, Noise = SceneNoise.None };

    /// <summary>Throws <see cref="ModelConfigurationException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Edges)) throw new ModelConfigurationException($"SceneRendering.Edges: {(int)Edges} is not a SceneEdges value.");
        if (!Enum.IsDefined(Noise)) throw new ModelConfigurationException($"SceneRendering.Noise: {(int)Noise} is not a SceneNoise value.");
        if (!(NoiseStandardDeviation >= 0 && NoiseStandardDeviation <= SceneSpec.MaxNoiseStandardDeviation))
        {
            throw new ModelConfigurationException(
                $"SceneRendering.NoiseStandardDeviation must be in 0..{SceneSpec.MaxNoiseStandardDeviation}, got {NoiseStandardDeviation}.");
        }
    }
}
