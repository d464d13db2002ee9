using RnnOnnx.Training;

namespace RnnOnnx.Text;

/// <summary>
/// Turns a text into training windows for a character language model: inputs [samples, T] of ids, targets
/// [samples, T, 1] with the next character at every step (so every position of a window teaches the model, not
/// only the last). Windows do not overlap, and validation is the tail of the text, never interleaved with training
/// windows, so that validation bits per character measure text the model has not seen.
/// </summary>
public static class TextWindows
{
    /// <summary>Training and validation windows of <paramref name="ids"/>.</summary>
    /// <param name="ids">The encoded text.</param>
    /// <param name="window">T, the steps per window (backpropagation-through-time length).</param>
    /// <param name="validationFraction">Share of the text (from its end) held out, in [0, 1).</param>
    /// <returns>Training windows, and validation windows or null when <paramref name="validationFraction"/> is 0.</returns>
    /// <exception cref="DataException">The text is too short for one window in each part.</exception>
    public static (SequenceDataset Train, SequenceDataset? Validation) Split(ReadOnlySpan<int> ids, int window, double validationFraction)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be at least 1 step.");
        if (validationFraction is < 0 or >= 1 || double.IsNaN(validationFraction))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in [0, 1).");
        int heldOut = (int)(ids.Length * validationFraction);
        var train = Create(ids[..(ids.Length - heldOut)], window, "training");
        var validation = heldOut > 0 ? Create(ids[(ids.Length - heldOut)..], window, "validation") : null;
        return (train, validation);
    }

    /// <summary>Non-overlapping windows of <paramref name="ids"/>: window s covers ids [sT, sT+T) → [sT+1, sT+T+1).</summary>
    /// <exception cref="DataException">Fewer than T + 1 ids.</exception>
    public static SequenceDataset Create(ReadOnlySpan<int> ids, int window, string part = "text")
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be at least 1 step.");
        int samples = (ids.Length - 1) / window;
        if (samples < 1)
            throw new DataException($"The {part} part has {ids.Length} characters; a window of {window} needs at least {window + 1}. Use more text or a smaller window.");
        var inputs = new float[samples * window];
        var targets = new float[samples * window];
        for (int s = 0; s < samples; s++)
            for (int t = 0; t < window; t++)
            {
                inputs[s * window + t] = ids[s * window + t];
                targets[s * window + t] = ids[s * window + t + 1];
            }
        return new SequenceDataset(new Tensor(inputs, samples, window), new Tensor(targets, samples, window, 1));
    }
}
