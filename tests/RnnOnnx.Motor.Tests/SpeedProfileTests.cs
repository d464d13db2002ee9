namespace RnnOnnx.Motor.Tests;

/// <summary>
/// The bell-shape check of <see cref="ReachResult"/> on speed profiles built by hand, and the shipped controller held
/// to the targets: ≤ 1 cm mean error on 10 cm centre-out reaches (directions it was not trained on: it learnt
/// random targets) with bell-shaped speed profiles.
/// </summary>
public class SpeedProfileTests
{
    /// <summary>A reach along x whose fingertip speed at step t (t = 1..speeds.Length) is speeds[t − 1].</summary>
    private static ReachResult Along(double[] speeds)
    {
        int steps = speeds.Length;
        var tip = new double[2 * (steps + 1)];
        for (int t = 1; t <= steps; t++) tip[2 * t] = tip[2 * t - 2] + speeds[t - 1] * Effector.Timestep;
        return new ReachResult(tip[^2], 0, tip, new float[steps], new float[steps], new double[4 * (steps + 1)], new double[steps + 1], 1, 1);
    }

    /// <summary>Minimum-jerk speed (Flash &amp; Hogan 1985) over [0, T], zero afterwards: the textbook bell.</summary>
    private static double[] MinimumJerk(int steps, int moveSteps, double distance)
    {
        var v = new double[steps];
        double T = moveSteps * Effector.Timestep;
        for (int t = 0; t < steps; t++)
        {
            double tau = Math.Min((t + 0.5) * Effector.Timestep / T, 1);
            v[t] = distance / T * 30 * tau * tau * (1 - tau) * (1 - tau);
        }
        return v;
    }

    [Fact]
    public void Minimum_jerk_profile_is_bell_shaped()
    {
        var r = Along(MinimumJerk(100, 40, 0.1));
        Assert.Equal(1, r.SpeedPeaks);
        Assert.True(r.StartSpeedFraction < 0.05 && r.EndSpeedFraction < 1e-9);
        Assert.True(r.IsBellShaped);
    }

    [Fact]
    public void Two_sub_movements_are_not_bell_shaped_but_a_small_ripple_while_holding_is_ignored()
    {
        var two = MinimumJerk(100, 30, 0.06);
        var second = MinimumJerk(70, 30, 0.04);
        for (int t = 0; t < 70; t++) two[30 + t] += second[t];
        var r = Along(two);
        Assert.Equal(2, r.SpeedPeaks);
        Assert.False(r.IsBellShaped);

        var ripple = MinimumJerk(100, 40, 0.1);
        double peak = ripple.Max();
        for (int t = 50; t < 100; t++) ripple[t] = t % 2 == 0 ? 0.1 * peak : 0.02 * peak;
        var h = Along(ripple);
        Assert.Equal(1, h.SpeedPeaks);
        Assert.True(h.IsBellShaped);
    }

    [Fact]
    public void Still_moving_at_the_end_or_jumping_at_the_start_is_not_bell_shaped()
    {
        var late = MinimumJerk(100, 160, 0.1); // the movement is cut off before it ends
        var r = Along(late);
        Assert.True(r.EndSpeedFraction > 0.2);
        Assert.False(r.IsBellShaped);

        var jump = MinimumJerk(100, 40, 0.1);
        jump[0] = jump.Max() * 0.5;
        var j = Along(jump);
        Assert.True(j.StartSpeedFraction >= 0.2);
        Assert.False(j.IsBellShaped);
    }

    private static string ShippedModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "models", "motor", "arm26_gru128.onnx");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("models/motor/arm26_gru128.onnx not found above the test folder.");
    }

    [Fact]
    public void Shipped_controller_reaches_within_1_cm_with_bell_shaped_speed_profiles()
    {
        var model = MotorModel.Load(ShippedModel());
        var targets = ClosedLoop.CentreOutTargets(model.Effector, 8, 0.1);
        using var controller = model.CreateOnnxController();
        var reaches = ClosedLoop.Run(model.Effector, controller, model.EvaluationSensing, targets, model.Config.Steps);
        double mean = reaches.Average(r => r.ErrorCm);
        Assert.True(mean <= 1.0, $"mean centre-out error {mean:F3} cm");
        foreach (var (r, k) in reaches.Select((r, k) => (r, k)))
            Assert.True(r.IsBellShaped,
                $"direction {k}: {r.SpeedPeaks} speed peaks, start {r.StartSpeedFraction:F2} and end {r.EndSpeedFraction:F2} of the peak {r.PeakSpeed:F2} m/s");
    }
}
