using System.Globalization;
using Xunit.Abstractions;

namespace RnnOnnx.Motor.Tests;

/// <summary>
/// Open-loop trajectories against MotorNet's own (Data/*.csv, written by tools/parity/motornet_trajectories.py
/// from MotorNet 0.2 on PyTorch 1.13, float32): same start, same excitations, 100 steps of 10 ms.
/// </summary>
public class ParityTests(ITestOutputHelper output)
{
    internal sealed record Reference(double[] Q, double[] Xy, double[] Act, double[] Force, double[] U, int Steps, int Muscles);

    internal static Reference Load(string file, int muscles)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", file));
        int n = lines.Length - 1;
        var q = new double[n * 2]; var xy = new double[n * 2]; var act = new double[n * muscles]; var f = new double[n * muscles];
        var u = new double[(n - 1) * muscles];
        for (int t = 0; t < n; t++)
        {
            var c = lines[t + 1].Split(',');
            double P(int i) => double.Parse(c[i], CultureInfo.InvariantCulture);
            q[2 * t] = P(1); q[2 * t + 1] = P(2);
            xy[2 * t] = P(5); xy[2 * t + 1] = P(6);
            for (int m = 0; m < muscles; m++)
            {
                act[t * muscles + m] = P(7 + m);
                f[t * muscles + m] = P(7 + muscles + m);
                if (t < n - 1) u[t * muscles + m] = P(7 + 2 * muscles + m);
            }
        }
        return new Reference(q, xy, act, f, u, n - 1, muscles);
    }

    [Theory]
    [InlineData("arm26", "constant")]
    [InlineData("arm26", "ramps")]
    [InlineData("arm26", "smooth")]
    [InlineData("arm26", "burst")]
    [InlineData("pointmass", "constant")]
    [InlineData("pointmass", "ramps")]
    [InlineData("pointmass", "smooth")]
    [InlineData("pointmass", "burst")]
    public void Open_loop_trajectory_matches_MotorNet(string effectorName, string sequence)
    {
        var effector = Effector.Create(effectorName);
        var r = Load($"{effectorName}_{sequence}.csv", effector.MuscleCount);
        var traj = effector.Simulate(r.Q.AsSpan(0, 2), r.U, 1);
        Assert.Equal(100, traj.Steps);
        double maxTip = 0, maxQ = 0, maxAct = 0, maxForceRel = 0;
        for (int t = 0; t <= traj.Steps; t++)
        {
            var (x, y) = traj.Fingertip(0, t);
            maxTip = Math.Max(maxTip, Math.Sqrt(Math.Pow(x - r.Xy[2 * t], 2) + Math.Pow(y - r.Xy[2 * t + 1], 2)));
            var (q0, q1) = traj.JointPosition(0, t);
            maxQ = Math.Max(maxQ, Math.Max(Math.Abs(q0 - r.Q[2 * t]), Math.Abs(q1 - r.Q[2 * t + 1])));
            for (int m = 0; m < r.Muscles; m++)
            {
                maxAct = Math.Max(maxAct, Math.Abs(traj.Activation(0, t, m) - r.Act[t * r.Muscles + m]));
                double fr = r.Force[t * r.Muscles + m];
                maxForceRel = Math.Max(maxForceRel, Math.Abs(traj.Force(0, t, m) - fr) / Math.Max(1, Math.Abs(fr)));
            }
        }
        output.WriteLine(FormattableString.Invariant($"{effectorName}/{sequence}: max fingertip deviation {maxTip * 1000:F6} mm, joint {maxQ:E2}, activation {maxAct:E2}, force (rel) {maxForceRel:E2}"));
        Assert.True(maxTip < 1e-3, $"fingertip deviates {maxTip * 1000} mm");
        Assert.True(maxQ < 2e-3, $"joint deviates {maxQ} (rad or m)");
        Assert.True(maxAct < 1e-4, $"activation deviates {maxAct}");
        Assert.True(maxForceRel < 1e-2, $"force deviates {maxForceRel} (relative)");
    }
}
