namespace RnnOnnx.Motor.Tests;

public class EffectorInputTests
{
    [Fact]
    public void Unknown_effector_is_named()
    {
        var e = Assert.Throws<ModelConfigurationException>(() => Effector.Create("arm27"));
        Assert.Contains("arm27", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_excitation_column_count_is_reported()
    {
        var arm = Effector.Create("arm26");
        var e = Assert.Throws<DataException>(() => arm.Simulate([], new double[5 * 10], 1));
        Assert.Contains("6", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Excitation_outside_unit_interval_names_the_muscle(double bad)
    {
        var arm = Effector.Create("arm26");
        var u = new double[6 * 3];
        u[6 + 4] = bad;
        var e = Assert.Throws<DataException>(() => arm.Simulate([], u, 1));
        Assert.Contains("biceps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_posture_outside_joint_limits_is_reported()
    {
        var arm = Effector.Create("arm26");
        var e = Assert.Throws<DataException>(() => arm.Simulate([1.0, 3.0], new double[6], 1));
        Assert.Contains("joint 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_start_is_pi_over_3_pi_over_2_with_shoulder_at_origin()
    {
        var arm = Effector.Create("arm26");
        var traj = arm.Simulate([], new double[6], 1);
        var (x, y) = traj.Fingertip(0, 0);
        Assert.Equal(0.309 * Math.Cos(Math.PI / 3) + 0.333 * Math.Cos(5 * Math.PI / 6), x, 12);
        Assert.Equal(0.309 * Math.Sin(Math.PI / 3) + 0.333 * Math.Sin(5 * Math.PI / 6), y, 12);
    }
}
