using RnnOnnx.Training;

namespace RnnOnnx.ML.Tests;

/// <summary>Collects the training loss of every epoch report, synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class EpochLosses(List<double> losses) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Kind == TrainingProgressKind.Epoch) losses.Add(value.Loss);
    }
}
