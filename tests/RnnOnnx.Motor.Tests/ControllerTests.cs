namespace RnnOnnx.Motor.Tests;

public class ControllerTests
{
    private static MotorTrainer Trained(string effector = "arm26", int hidden = 16)
    {
        var trainer = new MotorTrainer(Effector.Create(effector), ReachingTask.RandomTargetReach(30), new SensoryOptions { VisionDelay = 0.02 },
            new TrainingOptions { Hidden = hidden, BatchSize = 8, Seed = 3 });
        trainer.Train(5);
        return trainer;
    }

    [Theory]
    [InlineData("arm26")]
    [InlineData("pointmass")]
    public void Onnx_controller_excitations_equal_the_policy_over_a_closed_loop_episode(string name)
    {
        var trainer = Trained(name);
        var model = MotorModel.Load(MotorModel.Export(trainer));
        Assert.Equal(name, model.Effector.Name);
        Assert.Equal(0.02, model.Config.Sensing.VisionDelay);
        var targets = ClosedLoop.CentreOutTargets(model.Effector, 4, 0.1);
        var sensing = model.EvaluationSensing;
        var csharp = ClosedLoop.Run(trainer.Effector, new PolicyController(trainer.Policy), sensing, targets, 60);
        using var onnx = model.CreateOnnxController();
        var ort = ClosedLoop.Run(model.Effector, onnx, sensing, targets, 60);
        double worst = 0;
        for (int c = 0; c < targets.Count; c++)
            for (int i = 0; i < csharp[c].Excitations.Count; i++)
                worst = Math.Max(worst, Math.Abs(csharp[c].Excitations[i] - ort[c].Excitations[i]));
        Assert.True(worst <= 1e-5, $"largest excitation difference {worst}");
        Assert.True(Math.Abs(csharp[0].ErrorCm - ort[0].ErrorCm) < 1e-3);
    }

    [Fact]
    public void Export_is_deterministic_and_the_weights_come_back()
    {
        var trainer = Trained();
        var a = MotorModel.Export(trainer);
        Assert.Equal(a, MotorModel.Export(trainer));
        var back = MotorModel.Load(a).Policy;
        Assert.True(back.RecurrentKernel.SequenceEqual(trainer.Policy.RecurrentKernel));
        Assert.True(back.OutputBias.SequenceEqual(trainer.Policy.OutputBias));
    }

    [Fact]
    public void Target_outside_the_workspace_is_named()
    {
        var trainer = Trained();
        var e = Assert.Throws<DataException>(() => ClosedLoop.Run(trainer.Effector, new PolicyController(trainer.Policy), new SensoryOptions(), [(0.0, 0.4), (2.0, 2.0)], 10));
        Assert.Contains("Target 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("workspace", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipe_refuses_unknown_members_and_effectors_by_name()
    {
        var e1 = Assert.Throws<ModelConfigurationException>(() => MotorRecipe.Parse("""{ "training": { "hiden": 8 } }"""));
        Assert.Contains("hiden", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ModelConfigurationException>(() => MotorRecipe.Parse("""{ "effector": "octopus" }"""));
        Assert.Contains("octopus", e2.Message, StringComparison.Ordinal);
        var r = MotorRecipe.Parse("""{ "effector": "pointmass", "task": { "kind": "centreOut", "steps": 40 }, "training": { "hidden": 8 }, "batches": 7 }""");
        Assert.Equal(ReachKind.CentreOut, r.Task.Kind);
        Assert.Equal(8, r.Training.Hidden);
        Assert.Equal(r.ToJson(), MotorRecipe.Parse(r.ToJson()).ToJson());
    }
}
