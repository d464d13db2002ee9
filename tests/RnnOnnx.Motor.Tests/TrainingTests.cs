using Xunit.Abstractions;

namespace RnnOnnx.Motor.Tests;

public class TrainingTests(ITestOutputHelper output)
{
    private static float[][] Snapshot(GruPolicy p) =>
        [p.Kernel.ToArray(), p.RecurrentKernel.ToArray(), p.Bias.ToArray(), p.RecurrentBias.ToArray(), p.OutputKernel.ToArray(), p.OutputBias.ToArray()];

    private static void AssertIdentical(float[][] a, float[][] b)
    {
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(a[i].AsSpan().SequenceEqual(b[i]), $"tensor {i} differs");
    }

    [Theory]
    [InlineData("arm26")]
    [InlineData("pointmass")]
    public void Bptt_gradient_matches_finite_differences_of_the_closed_loop_loss(string name)
    {
        // Short episodes with every loss term, a two-step vision delay, noise and a curl field after the go cue.
        var task = ReachingTask.CurlFieldCentreOut(gain: 8, steps: 24) with { GoCueMinStep = 3, GoCueMaxStep = 6, CatchProbability = 0.25 };
        var sensing = new SensoryOptions { VisionDelay = 0.03, ProprioceptionDelay = 0.02, VisionNoise = 1e-3, ProprioceptionNoise = 1e-3, ActionNoise = 1e-3 };
        var options = new TrainingOptions { Hidden = 16, Seed = 5, ActivationWeight = 0.5, ActivationDerivativeWeight = 5, HiddenWeight = 0.1, HiddenDerivativeWeight = 1 };
        var trainer = new MotorTrainer(Effector.Create(name), task, sensing, options);
        // Move away from the −5 output bias so the excitations are not all at the flat end of the sigmoid.
        var bd = (float[])typeof(GruPolicy).GetProperty("Bd", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(trainer.Policy)!;
        Array.Fill(bd, -1.5f);
        var (_, grads) = trainer.LossAndGradients(seed: 99, batchSize: 4);
        var tensors = (float[][])typeof(GruPolicy).GetProperty("Tensors", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(trainer.Policy)!;
        int checkedCount = 0;
        for (int p = 0; p < tensors.Length; p++)
        {
            // The three largest gradient entries of each tensor.
            var order = Enumerable.Range(0, grads[p].Length).OrderByDescending(i => Math.Abs(grads[p][i])).Take(3);
            foreach (int i in order)
            {
                float keep = tensors[p][i];
                const float h = 2e-3f;
                tensors[p][i] = keep + h; double lp = trainer.LossAndGradients(99, 4).Loss;
                tensors[p][i] = keep - h; double lm = trainer.LossAndGradients(99, 4).Loss;
                tensors[p][i] = keep;
                double fd = (lp - lm) / (2 * h);
                output.WriteLine($"tensor {p}[{i}]: bptt {grads[p][i]:E4}  fd {fd:E4}");
                Assert.True(Math.Abs(fd - grads[p][i]) <= 0.03 * Math.Abs(fd) + 2e-4, $"tensor {p}[{i}]: bptt {grads[p][i]} vs fd {fd}");
                checkedCount++;
            }
        }
        Assert.Equal(18, checkedCount);
    }

    [Fact]
    public void Same_seed_gives_identical_weights_and_another_seed_does_not()
    {
        var task = ReachingTask.RandomTargetReach(30);
        MotorTrainer Make(ulong seed) => new(Effector.Create("arm26"), task, new SensoryOptions { ObservationNoise = 0.01 }, new TrainingOptions { Hidden = 16, BatchSize = 8, Seed = seed });
        var a = Make(1); a.Train(3);
        var b = Make(1); b.Train(3);
        var c = Make(2); c.Train(3);
        AssertIdentical(Snapshot(a.Policy), Snapshot(b.Policy));
        Assert.False(Snapshot(a.Policy)[0].AsSpan().SequenceEqual(Snapshot(c.Policy)[0]));
    }

    [Fact]
    public void Checkpoint_resume_continues_bit_for_bit()
    {
        var task = ReachingTask.CentreOut(30) with { GoCueMinStep = 5, GoCueMaxStep = 10 };
        var sensing = new SensoryOptions { VisionNoise = 0.002, ActionNoise = 0.01 };
        var opts = new TrainingOptions { Hidden = 16, BatchSize = 8, Seed = 42 };
        var uninterrupted = new MotorTrainer(Effector.Create("arm26"), task, sensing, opts);
        uninterrupted.Train(4);

        var first = new MotorTrainer(Effector.Create("arm26"), task, sensing, opts);
        first.Train(2);
        string path = Path.Combine(Path.GetTempPath(), $"motor-{Guid.NewGuid():N}.ckpt");
        try
        {
            first.SaveCheckpoint(path);
            Assert.False(File.Exists(path + ".tmp"));
            var resumed = MotorTrainer.LoadCheckpoint(path);
            Assert.Equal(2, resumed.BatchesDone);
            var r1 = resumed.Train(2);
            AssertIdentical(Snapshot(uninterrupted.Policy), Snapshot(resumed.Policy));
            Assert.Equal(4, r1[^1].Batch);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Damaged_checkpoint_is_reported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"motor-{Guid.NewGuid():N}.ckpt");
        try
        {
            var t = new MotorTrainer(Effector.Create("pointmass"), ReachingTask.RandomTargetReach(10), null, new TrainingOptions { Hidden = 8, BatchSize = 2 });
            t.SaveCheckpoint(path);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..^10]);
            Assert.Throws<ModelFileException>(() => MotorTrainer.LoadCheckpoint(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("pointmass", ReachKind.RandomTarget, 0.5)]
    [InlineData("arm26", ReachKind.CentreOut, 0.75)]
    public void Training_reduces_the_reaching_loss(string name, ReachKind kind, double ratio)
    {
        var task = new ReachingTask { Kind = kind, Steps = 50 };
        var trainer = new MotorTrainer(Effector.Create(name), task, null,
            new TrainingOptions { Hidden = 32, BatchSize = 16, Seed = 3, LearningRate = 3e-3 });
        double before = trainer.Evaluate(seed: 1234).PositionLoss;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        trainer.Train(300);
        double after = trainer.Evaluate(seed: 1234).PositionLoss;
        output.WriteLine($"{name} {kind}: position loss {before:F4} → {after:F4} in {sw.ElapsedMilliseconds} ms");
        Assert.True(after < ratio * before, $"loss {before} → {after}");
    }

    [Fact]
    public void Centre_out_target_outside_the_workspace_is_named()
    {
        var task = ReachingTask.CentreOut() with { TargetDistance = 0.5 };
        var e = Assert.Throws<DataException>(() => new MotorTrainer(Effector.Create("arm26"), task));
        Assert.Contains("target", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delay_that_is_not_a_whole_number_of_steps_is_rejected()
    {
        Assert.Throws<ModelConfigurationException>(() =>
            new MotorTrainer(Effector.Create("arm26"), ReachingTask.RandomTargetReach(10), new SensoryOptions { VisionDelay = 0.015 }));
    }
}

public class CoreLayoutTests
{
    [Fact]
    public void Trained_policy_copied_into_Core_Gru_and_Dense_gives_the_same_excitations()
    {
        var trainer = new MotorTrainer(Effector.Create("arm26"), ReachingTask.RandomTargetReach(20), null, new TrainingOptions { Hidden = 8, BatchSize = 4, Seed = 9 });
        trainer.Train(3);
        var p = trainer.Policy;
        var gru = new RnnOnnx.Layers.Gru(p.Hidden, returnSequences: true);
        var dense = new RnnOnnx.Layers.Dense(p.Outputs, RnnOnnx.Layers.Activation.Sigmoid);
        var model = new RnnOnnx.Training.Sequential(gru, dense);
        model.Build(new RnnOnnx.Layers.LayerShape(true, p.Inputs), seed: 1);
        p.CopyTo(gru, dense);

        const int B = 3, T = 5;
        var rng = new Random(4);
        var x = new float[B * T * p.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var core = model.Predict(new Tensor(x, B, T, p.Inputs));

        var h = new float[B * p.Hidden];
        var hNext = new float[B * p.Hidden];
        var gates = new float[B * 3 * p.Hidden];
        var hrn = new float[B * p.Hidden];
        var gx = new float[B * 3 * p.Hidden];
        var u = new float[B * p.Outputs];
        var step = new float[B * p.Inputs];
        double maxDiff = 0;
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++) Array.Copy(x, (b * T + t) * p.Inputs, step, b * p.Inputs, p.Inputs);
            p.StepForward(step, h, hNext, gates, hrn, gx, u, B);
            (h, hNext) = (hNext, h);
            for (int b = 0; b < B; b++)
                for (int m = 0; m < p.Outputs; m++)
                    maxDiff = Math.Max(maxDiff, Math.Abs(u[b * p.Outputs + m] - core[b, t, m]));
        }
        Assert.True(maxDiff < 1e-5, $"max difference {maxDiff}");
    }
}
