using RnnOnnx.Layers;

namespace RnnOnnx.Training;

/// <summary>Copies the samples of one batch out of a dataset into time-major signals, reusing its buffers.</summary>
internal sealed class BatchAssembler
{
    public readonly Signal Inputs = new(), Targets = new(), Conditions = new();
    private int[] _lengths = [];

    /// <summary>True lengths of the batch rows, or null when the dataset has none.</summary>
    public int[]? Lengths { get; private set; }

    public void Gather(SequenceDataset data, ReadOnlySpan<int> indices, LayerShape input, LayerShape output, int targetWidth, LayerShape? condition = null)
    {
        int batch = indices.Length;
        if (condition is { } c && data.Conditions is { } conditions) Copy(conditions, indices, false, c.Width, Conditions);
        Copy(data.Inputs, indices, input.IsSequence, input.Width, Inputs);
        Copy(data.Targets, indices, output.IsSequence, targetWidth, Targets);
        if (data.Lengths is null) { Lengths = null; return; }
        if (_lengths.Length < batch) _lengths = new int[batch];
        for (int b = 0; b < batch; b++) _lengths[b] = data.Lengths[indices[b]];
        Lengths = _lengths;
    }

    /// <summary>Sample-major [N, T, W] (or [N, W]) rows → time-major [T, B, W] (or [B, W]).</summary>
    private static void Copy(Tensor source, ReadOnlySpan<int> indices, bool sequence, int width, Signal into)
    {
        int batch = indices.Length;
        int steps = sequence ? source.Dim(1) : 0;
        into.Resize(steps, batch, width);
        var src = source.Data;
        var dst = into.Data;
        if (!sequence)
        {
            for (int b = 0; b < batch; b++) src.AsSpan(indices[b] * width, width).CopyTo(dst.AsSpan(b * width, width));
            return;
        }
        int sample = steps * width;
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
                src.AsSpan(indices[b] * sample + t * width, width).CopyTo(dst.AsSpan((t * batch + b) * width, width));
    }
}
