namespace RnnOnnx.Text;

/// <summary>How <see cref="TextGenerator"/> picks each next character from the model's distribution.</summary>
public sealed record SamplingOptions
{
    /// <summary>Divides the logits; 0 means greedy (always the most likely character). Default 1.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the K most likely characters (0 = all).</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely characters whose probability reaches P (1 = all).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seed of the sampling: the same model, prompt and options give the same text.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the ranges and names the first bad one.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (!float.IsFinite(Temperature) || Temperature < 0) throw new ArgumentException($"--temperature must be a finite number ≥ 0, got {Temperature}.");
        if (TopK < 0) throw new ArgumentException($"--top-k must be ≥ 0 (0 = no limit), got {TopK}.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"--top-p must be in (0, 1], got {TopP}.");
    }
}
