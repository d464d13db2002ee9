using RnnOnnx.Randomness;

namespace RnnOnnx.Layers;

/// <summary>What a forward/backward pass needs besides the data: mode, true sequence lengths, randomness.</summary>
internal sealed class PassContext
{
    public bool Training;

    /// <summary>True length of each batch row's sequence; null when every row uses all steps.</summary>
    public int[]? Lengths;

    public Rng Rng = new(0);

    /// <summary>Whether step <paramref name="t"/> of row <paramref name="b"/> is real data rather than padding.</summary>
    public bool IsValid(int t, int b) => Lengths is null || t < Lengths[b];
}
