namespace RnnOnnx.Motor.Tests;

/// <summary>The cosine learning-rate decay: its end points and midpoint, the hold after it, and recipe checks.</summary>
public class LearningRateTests
{
    private static MotorTrainer Trainer(TrainingOptions options) =>
        new(Effector.Create("pointmass"), ReachingTask.RandomTargetReach(10), null, options);

    [Fact]
    public void Rate_falls_on_a_cosine_from_the_start_rate_to_the_final_rate_then_holds()
    {
        var t = Trainer(new TrainingOptions { Hidden = 4, BatchSize = 4, LearningRate = 0.01, FinalLearningRate = 0.001, DecayBatches = 4 });
        var rates = new List<double>();
        for (int i = 0; i < 6; i++)
        {
            rates.Add(t.CurrentLearningRate);
            t.TrainBatch();
        }
        Assert.Equal(0.01, rates[0], 12);
        Assert.Equal(0.001 + 0.009 * 0.5 * (1 + Math.Cos(Math.PI / 4)), rates[1], 12);
        Assert.Equal(0.0055, rates[2], 12);
        Assert.Equal(0.001, rates[4], 12);
        Assert.Equal(0.001, rates[5], 12);
        Assert.True(rates[0] > rates[1] && rates[1] > rates[2] && rates[2] > rates[3] && rates[3] > rates[4]);
    }

    [Fact]
    public void Without_a_final_rate_the_rate_is_constant_and_a_budgeted_decay_follows_the_progress_it_is_given()
    {
        var constant = Trainer(new TrainingOptions { Hidden = 4, BatchSize = 4, LearningRate = 0.01 });
        constant.Train(3);
        Assert.Equal(0.01, constant.CurrentLearningRate);

        var budgeted = Trainer(new TrainingOptions { Hidden = 4, BatchSize = 4, LearningRate = 0.01, FinalLearningRate = 0.001 });
        budgeted.Train(3);
        Assert.Equal(0.01, budgeted.CurrentLearningRate, 12);
        budgeted.DecayProgress = 0.5;
        Assert.Equal(0.0055, budgeted.CurrentLearningRate, 12);
        budgeted.DecayProgress = 2;
        Assert.Equal(0.001, budgeted.CurrentLearningRate, 12);
    }

    [Fact]
    public void Out_of_range_decay_settings_are_refused_naming_them()
    {
        var e = Assert.Throws<ModelConfigurationException>(() => Trainer(new TrainingOptions { LearningRate = 0.01, FinalLearningRate = 0.1 }));
        Assert.Contains("Final learning rate (0.1)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ModelConfigurationException>(() => MotorRecipe.Parse("""{ "training": { "finalLearningRate": 0.0001 } }"""));
        Assert.Contains("finalLearningRate needs decayBatches", e.Message, StringComparison.Ordinal);
    }
}
