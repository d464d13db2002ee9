namespace RnnOnnx.Captioning;

/// <summary>How <see cref="CaptionModel"/> searches for a caption.</summary>
public sealed record CaptionOptions
{
    /// <summary>Hypotheses kept per image: 1 is greedy decoding (the most likely word at each step), k &gt; 1 beam search.</summary>
    public int BeamWidth { get; init; } = 1;

    /// <summary>Longest caption in words; null uses the model's own limit.</summary>
    public int? MaxLength { get; init; }

    /// <summary>
    /// α of the length normalisation (Wu et al., 2016): finished hypotheses are ranked by log p / ((5 + |y|) / 6)^α,
    /// so beam search does not simply prefer the shortest caption; 0 ranks by raw log-probability.
    /// </summary>
    public float LengthPenalty { get; init; } = 0.7f;

    /// <summary>Checks every option; the error names the option and the value.</summary>
    public void Validate()
    {
        if (BeamWidth < 1) throw new ModelConfigurationException($"Beam width must be at least 1, got {BeamWidth}.");
        if (MaxLength is < 1) throw new ModelConfigurationException($"Max length must be at least 1, got {MaxLength}.");
        if (!(LengthPenalty >= 0) || !float.IsFinite(LengthPenalty)) throw new ModelConfigurationException($"Length penalty must be ≥ 0, got {LengthPenalty}.");
    }
}
