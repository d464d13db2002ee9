namespace RnnOnnx.Training;

/// <summary>
/// Inputs, targets and (optionally) the true length of each sample's sequence, for padded variable-length batches.
/// Inputs are [samples, time, features] (or [samples, time] of token ids, or [samples, features] for non-sequence
/// models); targets match the model's output per sample. An <see cref="EncoderDecoder"/> also reads
/// <see cref="Conditions"/>: one encoder input per sample (e.g. an image), from which the decoder's initial state is computed.
/// </summary>
public sealed class SequenceDataset
{
    /// <summary>Creates the dataset and checks it: non-empty, finite, lengths within [1, time].</summary>
    /// <exception cref="DataException">Empty data, NaN/Inf values, or a bad length (named by sample index).</exception>
    /// <exception cref="ShapeException">Inputs and targets disagree on the number of samples.</exception>
    public SequenceDataset(Tensor inputs, Tensor targets, int[]? lengths = null, Tensor? conditions = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Rank < 2) throw new ShapeException($"Inputs must be [samples, time, features] (or [samples, time] / [samples, features]), got {inputs}.");
        if (inputs.Dim(0) == 0 || inputs.Data.Length == 0) throw new DataException($"Inputs are empty ({inputs}): there is nothing to train on.");
        if (targets.Rank < 1 || targets.Dim(0) != inputs.Dim(0))
            throw new ShapeException($"Targets {targets} and inputs {inputs} must have the same number of samples (first dimension).");
        CheckFinite(inputs, "inputs");
        CheckFinite(targets, "targets");
        if (conditions is not null)
        {
            if (conditions.Rank < 2 || conditions.Dim(0) != inputs.Dim(0))
                throw new ShapeException($"Conditions {conditions} and inputs {inputs} must have the same number of samples (first dimension).");
            CheckFinite(conditions, "conditions");
        }
        if (lengths is not null)
        {
            if (inputs.Rank < 2 || lengths.Length != inputs.Dim(0))
                throw new ShapeException($"Lengths has {lengths.Length} entries but there are {inputs.Dim(0)} samples.");
            int steps = inputs.Dim(1);
            for (int i = 0; i < lengths.Length; i++)
                if (lengths[i] < 1 || lengths[i] > steps)
                    throw new DataException($"Length of sample {i} is {lengths[i]}; it must be between 1 and the padded time dimension {steps}.");
        }
        Inputs = inputs;
        Targets = targets;
        Lengths = lengths;
        Conditions = conditions;
    }

    /// <summary>[samples, …] inputs.</summary>
    public Tensor Inputs { get; }

    /// <summary>[samples, …] targets.</summary>
    public Tensor Targets { get; }

    /// <summary>True length of each sample's sequence, or null when all use the full time dimension.</summary>
    public int[]? Lengths { get; }

    /// <summary>[samples, …] encoder inputs of an <see cref="EncoderDecoder"/>, or null.</summary>
    public Tensor? Conditions { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Inputs.Dim(0);

    /// <summary>The samples [start, start + count) as a new dataset sharing no data with this one.</summary>
    public SequenceDataset Slice(int start, int count)
    {
        return new SequenceDataset(SliceRows(Inputs, start, count), SliceRows(Targets, start, count), Lengths?[start..(start + count)],
                                   Conditions is null ? null : SliceRows(Conditions, start, count));
    }

    private static Tensor SliceRows(Tensor t, int start, int count)
    {
        int row = t.Data.Length / t.Dim(0);
        var shape = t.Shape.ToArray();
        shape[0] = count;
        return new Tensor(t.Data.AsSpan(start * row, count * row).ToArray(), shape);
    }

    private static void CheckFinite(Tensor t, string what)
    {
        var data = t.Data;
        for (int i = 0; i < data.Length; i++)
        {
            if (float.IsFinite(data[i])) continue;
            var index = new int[t.Rank];
            int rest = i;
            for (int a = t.Rank - 1; a >= 0; a--) { index[a] = rest % t.Dim(a); rest /= t.Dim(a); }
            throw new DataException($"The {what} contain {data[i]} at index [{string.Join(", ", index)}] (sample {index[0]}); every value must be finite.");
        }
    }
}
