using RnnOnnx.Training;

namespace RnnOnnx.Data;

/// <summary>Turns a series into supervised samples: each window of past values predicts the values that follow it.</summary>
public static class SlidingWindows
{
    /// <summary>
    /// Samples x_i = series[i .. i+window) as [samples, window, 1] and y_i = series[i+window .. i+window+horizon)
    /// as [samples, horizon], for every i where both fit.
    /// </summary>
    /// <exception cref="DataException">The series is shorter than window + horizon.</exception>
    public static SequenceDataset Create(ReadOnlySpan<float> series, int window, int horizon = 1)
    {
        if (window < 1) throw new ModelConfigurationException($"Window must be at least 1, got {window}.");
        if (horizon < 1) throw new ModelConfigurationException($"Horizon must be at least 1, got {horizon}.");
        int samples = series.Length - window - horizon + 1;
        if (samples < 1)
            throw new DataException($"A series of {series.Length} values is too short for window {window} + horizon {horizon}: it needs at least {window + horizon}.");
        var x = new float[samples * window];
        var y = new float[samples * horizon];
        for (int i = 0; i < samples; i++)
        {
            series.Slice(i, window).CopyTo(x.AsSpan(i * window, window));
            series.Slice(i + window, horizon).CopyTo(y.AsSpan(i * horizon, horizon));
        }
        return new SequenceDataset(new Tensor(x, samples, window, 1), new Tensor(y, samples, horizon));
    }
}
