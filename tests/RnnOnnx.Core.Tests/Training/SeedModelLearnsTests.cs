using RnnOnnx.Data;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

public class SeedModelLearnsTests
{
    [Fact]
    public void Seed_model_fits_a_noisy_sine_to_a_tenth_of_the_target_variance()
    {
        var series = SyntheticSeries.NoisySine(1200, period: 25f, noise: 0.1f, seed: 3);
        var data = SlidingWindows.Create(series, window: 10);
        var model = SeedModel.Create();

        var history = model.Fit(data, new FitOptions { Epochs = 12, BatchSize = 32, ValidationSplit = 0.2, Seed = 7 });

        var targets = data.Slice((int)(data.Count * 0.8), data.Count - (int)(data.Count * 0.8)).Targets.Data;
        double mean = targets.Average(v => (double)v);
        double variance = targets.Average(v => (v - mean) * (v - mean));
        Assert.Equal(12, history.ValidationLoss.Count);
        Assert.True(history.ValidationLoss[^1] * 10 <= variance,
            $"validation MSE {history.ValidationLoss[^1]:G4} is not 10× below the target variance {variance:G4}; history: {string.Join(", ", history.ValidationLoss.Select(v => v.ToString("G3")))}");
        Assert.True(history.Loss[^1] < history.Loss[0], "training loss did not fall");
    }
}
