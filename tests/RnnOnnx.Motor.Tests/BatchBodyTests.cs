namespace RnnOnnx.Motor.Tests;

/// <summary>
/// The vectorised arm (four rows per Vector256, structure-of-arrays blocks) against the row-wise equations it
/// restates: the same step, adjoint, fingertip and proprioception to rounding (they differ only in how
/// Vector256.Exp/SinCos round), over states that cover both force–velocity branches, the curl field, activations
/// rising and falling and joints pressed against their limits.
/// </summary>
public class BatchBodyTests
{
    private const int Rows = 12; // three vectors

    private static double[] RandomBlock(Effector e, Random rng)
    {
        int n = e.StateSize, m = e.MuscleCount;
        var s = new double[n * Rows];
        var row = new double[n];
        for (int b = 0; b < Rows; b++)
        {
            for (int j = 0; j < 2; j++)
            {
                double lo = e.PositionLowerBound[j], hi = e.PositionUpperBound[j];
                // Rows 0–1 sit on a joint limit moving outwards (clipping and the zeroed velocity).
                row[j] = b == 0 && j == 0 ? lo : b == 1 && j == 1 ? hi : lo + (hi - lo) * rng.NextDouble();
                row[2 + j] = b == 0 && j == 0 ? -2 : b == 1 && j == 1 ? 2 : 4 * (rng.NextDouble() - 0.5);
                row[e.PreviousOffset + j] = row[j] + 0.05 * (rng.NextDouble() - 0.5);
                row[e.PreviousOffset + 2 + j] = row[2 + j] + 0.5 * (rng.NextDouble() - 0.5);
            }
            for (int i = 0; i < m; i++) row[Effector.ActivationOffset + i] = b == 2 ? 1 : 0.001 + 0.9 * rng.NextDouble();
            Effector.Scatter(row, s, Rows, b);
        }
        return s;
    }

    private static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-10 * (1 + Math.Abs(expected[i])),
                $"{what}[{i}] (component {i / Rows}, row {i % Rows}): row-wise {expected[i]:R}, batch {actual[i]:R}");
    }

    [Fact]
    public void Arm26_batch_step_and_adjoint_match_the_row_wise_equations()
    {
        var e = Effector.Create("arm26");
        int n = e.StateSize, m = e.MuscleCount;
        var rng = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            var s = RandomBlock(e, rng);
            var u = new double[m * Rows];
            for (int i = 0; i < u.Length; i++) u[i] = trial % 5 == 0 ? 1.2 * rng.NextDouble() - 0.1 : rng.NextDouble();
            var curl = new double[Rows];
            for (int b = 0; b < Rows; b++) curl[b] = b % 3 == 0 ? 0 : 10 * (rng.NextDouble() - 0.5);
            var gNext = new double[n * Rows];
            for (int i = 0; i < gNext.Length; i++) gNext[i] = rng.NextDouble() - 0.5;
            var gsStart = new double[n * Rows];
            for (int i = 0; i < gsStart.Length; i++) gsStart[i] = rng.NextDouble() - 0.5;

            var next = new double[n * Rows];
            e.StepBatch(s, u, curl, next, Rows);
            var gs = (double[])gsStart.Clone();
            var gu = new double[m * Rows];
            e.StepBackwardBatch(s, u, curl, gNext, gs, gu, Rows);

            var nextRef = new double[n * Rows];
            var gsRef = (double[])gsStart.Clone();
            var guRef = new double[m * Rows];
            var rs = new double[n]; var rn = new double[n]; var ru = new double[m]; var rg = new double[n]; var rgs = new double[n]; var rgu = new double[m];
            for (int b = 0; b < Rows; b++)
            {
                Effector.Gather(s, Rows, b, rs);
                Effector.Gather(u, Rows, b, ru);
                e.Step(rs, ru, curl[b], rn);
                Effector.Scatter(rn, nextRef, Rows, b);
                Effector.Gather(gNext, Rows, b, rg);
                Effector.Gather(gsRef, Rows, b, rgs);
                e.StepBackward(rs, ru, curl[b], rg, rgs, rgu);
                Effector.Scatter(rgs, gsRef, Rows, b);
                Effector.Scatter(rgu, guRef, Rows, b);
            }
            Close(nextRef, next, "next");
            Close(gsRef, gs, "gs");
            Close(guRef, gu, "gu");
        }
    }

    [Fact]
    public void Arm26_batch_sensing_and_its_adjoint_match_the_row_wise_equations()
    {
        var e = Effector.Create("arm26");
        int n = e.StateSize, m = e.MuscleCount;
        var rng = new Random(8);
        var s = RandomBlock(e, rng);
        var xy = new double[2 * Rows];
        var len = new double[m * Rows];
        var vel = new double[m * Rows];
        e.FingertipBatch(s, xy, Rows);
        e.SenseMusclesBatch(s, len, vel, Rows);
        var gxy = new double[2 * Rows];
        var gl = new double[m * Rows];
        var gv = new double[m * Rows];
        for (int i = 0; i < gxy.Length; i++) gxy[i] = rng.NextDouble() - 0.5;
        for (int i = 0; i < gl.Length; i++) { gl[i] = rng.NextDouble() - 0.5; gv[i] = rng.NextDouble() - 0.5; }
        var gs = new double[n * Rows];
        e.FingertipBackwardBatch(s, gxy, gs, Rows);
        e.SenseMusclesBackwardBatch(s, gl, gv, gs, Rows);

        var xyRef = new double[2 * Rows]; var lenRef = new double[m * Rows]; var velRef = new double[m * Rows]; var gsRef = new double[n * Rows];
        var rs = new double[n]; var p = new double[2]; var rl = new double[m]; var rv = new double[m]; var rgs = new double[n];
        for (int b = 0; b < Rows; b++)
        {
            Effector.Gather(s, Rows, b, rs);
            e.Sense(rs, p, rl, rv);
            xyRef[b] = p[0]; xyRef[Rows + b] = p[1];
            Effector.Scatter(rl, lenRef, Rows, b);
            Effector.Scatter(rv, velRef, Rows, b);
            Array.Clear(rgs);
            e.FingertipBackward(rs, [gxy[b], gxy[Rows + b]], rgs);
            var rgl = new double[m]; var rgv = new double[m];
            Effector.Gather(gl, Rows, b, rgl);
            Effector.Gather(gv, Rows, b, rgv);
            e.SenseMusclesBackward(rs, rgl, rgv, rgs);
            Effector.Scatter(rgs, gsRef, Rows, b);
        }
        Close(xyRef, xy, "fingertip");
        Close(lenRef, len, "length");
        Close(velRef, vel, "velocity");
        Close(gsRef, gs, "gs");
    }
}
