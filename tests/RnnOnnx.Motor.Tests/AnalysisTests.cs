using System.Numerics;
using RnnOnnx.Motor.Analysis;

namespace RnnOnnx.Motor.Tests;

public class AnalysisTests
{
    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void Pca_recovers_a_known_covariance()
    {
        // x = A·g with A = rotation · diag(3, 2, 1): covariance eigenvalues 9, 4, 1, first axis along the rotated e1.
        var rng = new Random(1);
        const int n = 20000;
        double c = Math.Cos(0.5), s = Math.Sin(0.5);
        var data = new double[n * 3];
        for (int r = 0; r < n; r++)
        {
            double g0 = 3 * Gaussian(rng), g1 = 2 * Gaussian(rng), g2 = Gaussian(rng);
            data[r * 3] = c * g0 - s * g1 + 5;
            data[r * 3 + 1] = s * g0 + c * g1 - 2;
            data[r * 3 + 2] = g2;
        }
        var pca = Pca.Fit(data, n, 3);
        Assert.Equal(9, pca.Variances[0], 0.3);
        Assert.Equal(4, pca.Variances[1], 0.15);
        Assert.Equal(1, pca.Variances[2], 0.05);
        Assert.Equal(9.0 / 14, pca.ExplainedRatio[0], 0.01);
        Assert.Equal(1, Math.Abs(pca.Components[0] * c + pca.Components[1] * s), 0.01);
        Assert.Equal(5, pca.Mean[0], 0.1);
    }

    /// <summary>[conditions, times, 6] trajectories of dx/dt = A x from random starts (exact matrix exponential by fine Euler).</summary>
    private static double[] Linear(Func<double[], double[]> deriv, int conditions, int times, double dt, int seed)
    {
        var rng = new Random(seed);
        var data = new double[conditions * times * 6];
        for (int c = 0; c < conditions; c++)
        {
            var x = new double[6];
            for (int i = 0; i < 6; i++) x[i] = Gaussian(rng);
            for (int t = 0; t < times; t++)
            {
                x.CopyTo(data, (c * times + t) * 6);
                const int sub = 200;
                for (int k = 0; k < sub; k++)
                {
                    // Midpoint (RK2) sub-steps.
                    var d1 = deriv(x);
                    var mid = x.Select((v, i) => v + 0.5 * dt / sub * d1[i]).ToArray();
                    var d2 = deriv(mid);
                    for (int i = 0; i < 6; i++) x[i] += dt / sub * d2[i];
                }
            }
        }
        return data;
    }

    [Fact]
    public void JPca_of_a_pure_rotation_is_all_skew()
    {
        double[] w = [6, 3, 1.5];
        double[] Rot(double[] x) => [-w[0] * x[1], w[0] * x[0], -w[1] * x[3], w[1] * x[2], -w[2] * x[5], w[2] * x[4]];
        var data = Linear(Rot, 8, 40, 0.01, 2);
        var j = JPca.Fit(data, 8, 40, 6, 0.01);
        Assert.True(j.R2Skew > 0.999, $"skew R² {j.R2Skew}");
        Assert.True(j.Ratio > 0.999, $"ratio {j.Ratio}");
        Assert.Equal(6, j.Frequency, 0.05);
    }

    [Fact]
    public void JPca_of_a_decaying_non_rotational_system_has_a_small_ratio()
    {
        double[] Decay(double[] x) => [.. x.Select((v, i) => -(i + 1) * v)];
        var data = Linear(Decay, 8, 40, 0.01, 3);
        var j = JPca.Fit(data, 8, 40, 6, 0.01);
        Assert.True(j.R2 > 0.99, $"unconstrained R² {j.R2}");
        Assert.True(j.Ratio < 0.3, $"ratio {j.Ratio}");
    }

    [Fact]
    public void Eigenvalues_of_known_matrices()
    {
        // Block diagonal: rotation-scaling block (0.5 ± 2i), then 3 and −1 on an upper-triangular tail.
        double[] a =
        [
            0.5, -2, 7, 1,
            2, 0.5, 0, 4,
            0, 0, 3, 9,
            0, 0, 0, -1,
        ];
        // Similarity by a dense invertible matrix keeps the spectrum.
        double[] p = [2, 1, 0, 1, 0, 1, 3, 1, 1, 0, 1, 2, 1, 1, 1, 3];
        var pinv = new double[16];
        for (int col = 0; col < 4; col++)
        {
            var e = new double[4]; e[col] = 1;
            var x = LinearAlgebra.Solve(p, e, 4)!;
            for (int r = 0; r < 4; r++) pinv[r * 4 + col] = x[r];
        }
        var b = Mul(Mul(p, a, 4), pinv, 4);
        var ev = LinearAlgebra.Eigenvalues(b, 4);
        Complex[] expected = [new(3, 0), new(0.5, 2), new(0.5, -2), new(-1, 0)];
        for (int i = 0; i < 4; i++) Assert.True((ev[i] - expected[i]).Magnitude < 1e-9, $"{ev[i]} vs {expected[i]}");
    }

    private static double[] Mul(double[] a, double[] b, int n)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
        return c;
    }

    private static GruPolicy RandomGru(int inputs, int hidden, double recurrentScale, int seed)
    {
        var p = new GruPolicy(inputs, hidden, 2);
        var rng = new Random(seed);
        foreach (var (arr, scale) in new[] { (p.W, 0.5), (p.R, recurrentScale), (p.B, 0.3), (p.RB, 0.3) })
            for (int i = 0; i < arr.Length; i++) arr[i] = (float)(scale * (2 * rng.NextDouble() - 1));
        return p;
    }

    [Fact]
    public void Fixed_point_of_a_GRU_without_recurrent_weights_is_the_candidate_state()
    {
        // R = 0: z, r and n do not depend on h, so F(h) = (1 − z)·n + z·h has the unique fixed point h* = n.
        var p = RandomGru(3, 10, 0, 4);
        double[] u = [0.3, -0.7, 1.1];
        var map = new GruMap(p, u);
        var rng = new Random(5);
        var starts = Enumerable.Range(0, 5 * 10).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var points = FixedPoints.Find(map, starts);
        var fp = Assert.Single(points);
        Assert.True(fp.Q < 1e-10, $"q = {fp.Q}");
        Assert.Equal(5, fp.Hits);
        const int H = 10;
        for (int j = 0; j < H; j++)
        {
            double gx(int c) => p.B[c] + u.Select((v, i) => v * p.W[i * 3 * H + c]).Sum();
            double z = 1 / (1 + Math.Exp(-(gx(j) + p.RB[j])));
            double r = 1 / (1 + Math.Exp(-(gx(H + j) + p.RB[H + j])));
            double n = Math.Tanh(gx(2 * H + j) + r * p.RB[2 * H + j]);
            Assert.Equal(n, fp.State[j], 1e-6);
            // J = diag(z): its eigenvalues are the update gates.
            Assert.Contains(fp.Eigenvalues, c => Math.Abs(c.Real - z) < 1e-9 && Math.Abs(c.Imaginary) < 1e-9);
        }
    }

    [Fact]
    public void Fixed_points_of_a_recurrent_GRU_have_tiny_q_and_eigenvalues_of_the_finite_difference_Jacobian()
    {
        const int H = 12;
        var p = RandomGru(4, H, 0.9, 6);
        var map = new GruMap(p, [0.2, 0.1, -0.4, 0.5]);
        var rng = new Random(7);
        var starts = Enumerable.Range(0, 20 * H).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var points = FixedPoints.Find(map, starts);
        Assert.NotEmpty(points);
        foreach (var fp in points)
        {
            Assert.True(fp.Q < 1e-10, $"q = {fp.Q}");
            var h = fp.State.ToArray();
            var fd = new double[H * H];
            var plus = new double[H];
            var minus = new double[H];
            for (int k = 0; k < H; k++)
            {
                const double eps = 1e-6;
                var hp = (double[])h.Clone(); hp[k] += eps; map.Step(hp, plus);
                var hm = (double[])h.Clone(); hm[k] -= eps; map.Step(hm, minus);
                for (int j = 0; j < H; j++) fd[j * H + k] = (plus[j] - minus[j]) / (2 * eps);
            }
            var analytic = map.Jacobian(h);
            for (int i = 0; i < H * H; i++) Assert.Equal(fd[i], analytic[i], 1e-7);
            var fdEig = LinearAlgebra.Eigenvalues(fd, H);
            for (int i = 0; i < H; i++)
                Assert.True(fdEig.Min(c => (c - fp.Eigenvalues[i]).Magnitude) < 1e-6, $"eigenvalue {fp.Eigenvalues[i]} not in the finite-difference spectrum");
        }
    }
}
