namespace RnnOnnx.Motor.Tests;

/// <summary>
/// The hand-written adjoints against float64 central differences. States are drawn away from the clipping
/// kinks (joint limits, activation bounds) where the derivative is one-sided.
/// </summary>
public class GradientTests
{
    private static double[] RandomState(Effector e, Random rng)
    {
        var s = new double[e.StateSize];
        for (int j = 0; j < 2; j++)
        {
            double lo = e.PositionLowerBound[j], hi = e.PositionUpperBound[j];
            s[j] = lo + (hi - lo) * (0.25 + 0.5 * rng.NextDouble());
            s[Effector.ActivationOffset + e.MuscleCount + j] = s[j] + 0.02 * (rng.NextDouble() - 0.5);
            s[2 + j] = rng.NextDouble() - 0.5;
            s[Effector.ActivationOffset + e.MuscleCount + 2 + j] = s[2 + j] + 0.1 * (rng.NextDouble() - 0.5);
        }
        for (int m = 0; m < e.MuscleCount; m++) s[Effector.ActivationOffset + m] = 0.05 + 0.6 * rng.NextDouble();
        return s;
    }

    [Theory]
    [InlineData("arm26", 0.0)]
    [InlineData("arm26", 12.0)]
    [InlineData("pointmass", 0.0)]
    [InlineData("pointmass", 12.0)]
    public void Step_adjoint_matches_central_differences(string name, double curl)
    {
        var e = Effector.Create(name);
        var rng = new Random(7);
        int n = e.StateSize, m = e.MuscleCount;
        for (int trial = 0; trial < 5; trial++)
        {
            var s = RandomState(e, rng);
            var u = new double[m];
            for (int i = 0; i < m; i++) u[i] = rng.NextDouble();
            var w = new double[n];
            for (int i = 0; i < n; i++) w[i] = rng.NextDouble() - 0.5;
            var next = new double[n];
            double L(double[] ss, double[] uu) { e.Step(ss, uu, curl, next); double v = 0; for (int i = 0; i < n; i++) v += w[i] * next[i]; return v; }

            var gs = new double[n];
            var gu = new double[m];
            e.StepBackward(s, u, curl, w, gs, gu);
            const double h = 1e-6;
            for (int i = 0; i < n; i++)
            {
                double keep = s[i];
                s[i] = keep + h; double lp = L(s, u);
                s[i] = keep - h; double lm = L(s, u);
                s[i] = keep;
                double fd = (lp - lm) / (2 * h);
                Assert.True(Math.Abs(fd - gs[i]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name} trial {trial}: ∂/∂s[{i}] adjoint {gs[i]} vs fd {fd}");
            }
            for (int i = 0; i < m; i++)
            {
                double keep = u[i];
                u[i] = keep + h; double lp = L(s, u);
                u[i] = keep - h; double lm = L(s, u);
                u[i] = keep;
                double fd = (lp - lm) / (2 * h);
                Assert.True(Math.Abs(fd - gu[i]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name} trial {trial}: ∂/∂u[{i}] adjoint {gu[i]} vs fd {fd}");
            }
        }
    }

    [Theory]
    [InlineData("arm26")]
    [InlineData("pointmass")]
    public void Sense_adjoint_matches_central_differences(string name)
    {
        var e = Effector.Create(name);
        var rng = new Random(3);
        int n = e.StateSize, m = e.MuscleCount;
        var s = RandomState(e, rng);
        var wx = new double[] { rng.NextDouble(), rng.NextDouble() };
        var wl = new double[m]; var wv = new double[m];
        for (int i = 0; i < m; i++) { wl[i] = rng.NextDouble() - 0.5; wv[i] = rng.NextDouble() - 0.5; }
        var xy = new double[2]; var ln = new double[m]; var vn = new double[m];
        double L(double[] ss)
        {
            e.Sense(ss, xy, ln, vn);
            double v = wx[0] * xy[0] + wx[1] * xy[1];
            for (int i = 0; i < m; i++) v += wl[i] * ln[i] + wv[i] * vn[i];
            return v;
        }
        var gs = new double[n];
        e.FingertipBackward(s, wx, gs);
        e.SenseMusclesBackward(s, wl, wv, gs);
        const double h = 1e-6;
        for (int i = 0; i < n; i++)
        {
            double keep = s[i];
            s[i] = keep + h; double lp = L(s);
            s[i] = keep - h; double lm = L(s);
            s[i] = keep;
            double fd = (lp - lm) / (2 * h);
            Assert.True(Math.Abs(fd - gs[i]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name}: ∂/∂s[{i}] adjoint {gs[i]} vs fd {fd}");
        }
    }

    [Fact]
    public void Gradient_through_forty_steps_of_arm26_matches_central_differences()
    {
        // Loss = Σ_t c·fingertip_t over a 40-step open-loop run; gradient w.r.t. every excitation by reverse sweeps.
        var e = Effector.Create("arm26");
        const int T = 40;
        int m = e.MuscleCount, n = e.StateSize;
        var rng = new Random(11);
        var u = new double[T * m];
        for (int i = 0; i < u.Length; i++) u[i] = 0.1 + 0.3 * rng.NextDouble();
        var c = new double[] { 0.7, -1.3 };
        double Loss(double[] uu, double[]? grad)
        {
            var states = new double[(T + 1) * n];
            e.Reset([Math.PI / 3, Math.PI / 2], states.AsSpan(0, n));
            for (int t = 0; t < T; t++) e.Step(states.AsSpan(t * n, n), uu.AsSpan(t * m, m), 3.0, states.AsSpan((t + 1) * n, n));
            double loss = 0;
            var xy = new double[2];
            for (int t = 0; t <= T; t++) { e.Fingertip(states.AsSpan(t * n, 2), xy); loss += c[0] * xy[0] + c[1] * xy[1]; }
            if (grad is null) return loss;
            var g = new double[n];
            e.FingertipBackward(states.AsSpan(T * n, 2), c, g);
            for (int t = T - 1; t >= 0; t--)
            {
                var gPrev = new double[n];
                e.FingertipBackward(states.AsSpan(t * n, 2), c, gPrev);
                e.StepBackward(states.AsSpan(t * n, n), uu.AsSpan(t * m, m), 3.0, g, gPrev, grad.AsSpan(t * m, m));
                g = gPrev;
            }
            return loss;
        }
        var grad = new double[T * m];
        Loss(u, grad);
        double maxAbs = 0;
        foreach (double g in grad) maxAbs = Math.Max(maxAbs, Math.Abs(g));
        Assert.True(maxAbs > 1e-4, "gradient should not vanish");
        const double h = 1e-6;
        for (int k = 0; k < u.Length; k += 7)
        {
            double keep = u[k];
            u[k] = keep + h; double lp = Loss(u, null);
            u[k] = keep - h; double lm = Loss(u, null);
            u[k] = keep;
            double fd = (lp - lm) / (2 * h);
            Assert.True(Math.Abs(fd - grad[k]) <= 1e-5 * Math.Max(maxAbs, Math.Abs(fd)), $"∂/∂u[{k}]: adjoint {grad[k]} vs fd {fd}");
        }
    }
}
