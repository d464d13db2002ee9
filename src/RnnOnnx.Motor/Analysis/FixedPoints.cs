using System.Numerics;

namespace RnnOnnx.Motor.Analysis;

/// <summary>The GRU step h' = F(h, u) of a policy in float64, with its analytic Jacobian ∂F/∂h.</summary>
public sealed class GruMap
{
    private readonly double[] _w, _r, _b, _rb;
    private readonly double[] _gx;

    /// <summary>The GRU of <paramref name="policy"/> under the constant input <paramref name="input"/>.</summary>
    /// <exception cref="DataException">The input width is not the policy's.</exception>
    public GruMap(GruPolicy policy, ReadOnlySpan<double> input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (input.Length != policy.Inputs) throw new DataException($"The constant input has {input.Length} values; the policy takes {policy.Inputs}.");
        Hidden = policy.Hidden;
        int h3 = 3 * Hidden;
        _w = [.. policy.W.Select(v => (double)v)];
        _r = [.. policy.R.Select(v => (double)v)];
        _b = [.. policy.B.Select(v => (double)v)];
        _rb = [.. policy.RB.Select(v => (double)v)];
        _gx = new double[h3];
        for (int c = 0; c < h3; c++)
        {
            double s = _b[c];
            for (int i = 0; i < input.Length; i++) s += input[i] * _w[i * h3 + c];
            _gx[c] = s;
        }
    }

    /// <summary>Hidden units.</summary>
    public int Hidden { get; }

    private void Gates(ReadOnlySpan<double> h, Span<double> z, Span<double> r, Span<double> a, Span<double> n)
    {
        int H = Hidden, h3 = 3 * H;
        Span<double> gh = h3 <= 3072 ? stackalloc double[h3] : new double[h3];
        _rb.CopyTo(gh);
        for (int k = 0; k < H; k++)
        {
            double hk = h[k];
            if (hk == 0) continue;
            var row = _r.AsSpan(k * h3, h3);
            for (int c = 0; c < h3; c++) gh[c] += hk * row[c];
        }
        for (int j = 0; j < H; j++)
        {
            z[j] = 1 / (1 + Math.Exp(-(_gx[j] + gh[j])));
            r[j] = 1 / (1 + Math.Exp(-(_gx[H + j] + gh[H + j])));
            a[j] = gh[2 * H + j];
            n[j] = Math.Tanh(_gx[2 * H + j] + r[j] * a[j]);
        }
    }

    /// <summary>h' = F(h): the reset-after GRU (z, r gates; n = tanh(x·Wn + bn + r ⊙ (h·Rn + rbn)); h' = (1 − z) ⊙ n + z ⊙ h).</summary>
    public void Step(ReadOnlySpan<double> h, Span<double> next)
    {
        int H = Hidden;
        var buf = new double[4 * H];
        Gates(h, buf.AsSpan(0, H), buf.AsSpan(H, H), buf.AsSpan(2 * H, H), buf.AsSpan(3 * H, H));
        for (int j = 0; j < H; j++) next[j] = (1 - buf[j]) * buf[3 * H + j] + buf[j] * h[j];
    }

    /// <summary>The Jacobian ∂F/∂h at <paramref name="h"/>, [H, H] row-major (row: output unit).</summary>
    public double[] Jacobian(ReadOnlySpan<double> h)
    {
        int H = Hidden, h3 = 3 * H;
        var z = new double[H]; var r = new double[H]; var a = new double[H]; var n = new double[H];
        Gates(h, z, r, a, n);
        var jac = new double[H * H];
        for (int j = 0; j < H; j++)
        {
            double dz = z[j] * (1 - z[j]), dr = r[j] * (1 - r[j]), dn = 1 - n[j] * n[j];
            double cz = (h[j] - n[j]) * dz, cn = (1 - z[j]) * dn;
            for (int k = 0; k < H; k++)
            {
                var row = _r.AsSpan(k * h3, h3);
                jac[j * H + k] = cz * row[j] + cn * (r[j] * row[2 * H + j] + a[j] * dr * row[H + j]);
            }
            jac[j * H + j] += z[j];
        }
        return jac;
    }

    /// <summary>q(h) = ½‖F(h) − h‖² and its gradient (J − I)ᵀ(F − h) (a vector–Jacobian product, no full J).</summary>
    public double Speed(ReadOnlySpan<double> h, Span<double> gradient)
    {
        int H = Hidden, h3 = 3 * H;
        var z = new double[H]; var r = new double[H]; var a = new double[H]; var n = new double[H];
        Gates(h, z, r, a, n);
        var e = new double[H];
        double q = 0;
        for (int j = 0; j < H; j++) { e[j] = (1 - z[j]) * n[j] + z[j] * h[j] - h[j]; q += e[j] * e[j]; }
        var coef = new double[h3];
        for (int j = 0; j < H; j++)
        {
            double cn = e[j] * (1 - z[j]) * (1 - n[j] * n[j]);
            coef[j] = e[j] * (h[j] - n[j]) * z[j] * (1 - z[j]);
            coef[H + j] = cn * a[j] * r[j] * (1 - r[j]);
            coef[2 * H + j] = cn * r[j];
        }
        for (int k = 0; k < H; k++)
        {
            var row = _r.AsSpan(k * h3, h3);
            double s = 0;
            for (int c = 0; c < h3; c++) s += row[c] * coef[c];
            gradient[k] = s + z[k] * e[k] - e[k];
        }
        return 0.5 * q;
    }
}

/// <summary>A fixed point h* = F(h*, u) with its speed q and the eigenvalues of ∂F/∂h there.</summary>
/// <param name="State">h*.</param>
/// <param name="Q">½‖F(h*) − h*‖².</param>
/// <param name="Eigenvalues">Eigenvalues of the Jacobian, by decreasing magnitude.</param>
/// <param name="Hits">How many initial states converged to it.</param>
public sealed record FixedPoint(IReadOnlyList<double> State, double Q, IReadOnlyList<Complex> Eigenvalues, int Hits)
{
    /// <summary>Largest eigenvalue magnitude; below 1 the point is stable (an attractor of the discrete map).</summary>
    public double SpectralRadius => Eigenvalues.Count == 0 ? 0 : Eigenvalues[0].Magnitude;
}

/// <summary>Settings of <see cref="FixedPoints.Find"/>.</summary>
public sealed record FixedPointOptions
{
    /// <summary>Adam iterations on q before Newton refinement.</summary>
    public int GradientIterations { get; init; } = 400;

    /// <summary>Adam step size.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Newton refinement iterations (Gauss–Newton steps of q with the analytic Jacobian).</summary>
    public int NewtonIterations { get; init; } = 30;

    /// <summary>A point counts as fixed when q is below this.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Fixed points closer than this (Euclidean) are the same.</summary>
    public double MergeDistance { get; init; } = 1e-3;
}

/// <summary>
/// Fixed points of a recurrent map (Sussillo &amp; Barak 2013): minimise q(h) = ½‖F(h, u) − h‖² from many initial
/// states with Adam on the analytic gradient (J − I)ᵀ(F − h), refine with Newton steps (J − I)δ = −(F − h) using the
/// analytic Jacobian, keep points with q below the tolerance, merge duplicates, and report the Jacobian's eigenvalues.
/// </summary>
public static class FixedPoints
{
    /// <summary>Searches from each initial state (rows of <paramref name="initialStates"/>, width H).</summary>
    public static IReadOnlyList<FixedPoint> Find(GruMap map, ReadOnlySpan<double> initialStates, FixedPointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        options ??= new FixedPointOptions();
        int H = map.Hidden;
        if (initialStates.Length == 0 || initialStates.Length % H != 0) throw new DataException($"Initial states must be rows of {H} values; got {initialStates.Length} values.");
        int count = initialStates.Length / H;
        var found = new List<(double[] H, double Q, int Hits)>();
        var g = new double[H];
        var m = new double[H];
        var v = new double[H];
        var f = new double[H];
        for (int s = 0; s < count; s++)
        {
            var h = initialStates.Slice(s * H, H).ToArray();
            Array.Clear(m); Array.Clear(v);
            for (int it = 1; it <= options.GradientIterations; it++)
            {
                double q = map.Speed(h, g);
                if (q < options.Tolerance) break;
                double c1 = 1 - Math.Pow(0.9, it), c2 = 1 - Math.Pow(0.999, it);
                for (int j = 0; j < H; j++)
                {
                    m[j] = 0.9 * m[j] + 0.1 * g[j];
                    v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
                    h[j] -= options.LearningRate * (m[j] / c1) / (Math.Sqrt(v[j] / c2) + 1e-12);
                }
            }
            double qNow = map.Speed(h, g);
            for (int it = 0; it < options.NewtonIterations && qNow >= options.Tolerance * 1e-6; it++)
            {
                var jac = map.Jacobian(h);
                for (int j = 0; j < H; j++) jac[j * H + j] -= 1;
                map.Step(h, f);
                for (int j = 0; j < H; j++) f[j] = h[j] - f[j];
                var delta = LinearAlgebra.Solve(jac, f, H);
                if (delta is null) break;
                // Damped: halve the step until q decreases.
                double step = 1;
                var trial = new double[H];
                double qTrial = double.PositiveInfinity;
                for (int half = 0; half < 20; half++)
                {
                    for (int j = 0; j < H; j++) trial[j] = h[j] + step * delta[j];
                    qTrial = map.Speed(trial, g);
                    if (qTrial < qNow) break;
                    step *= 0.5;
                }
                if (!(qTrial < qNow)) break;
                h = trial;
                qNow = qTrial;
            }
            if (!(qNow < options.Tolerance)) continue;
            int same = found.FindIndex(p => Distance(p.H, h) < options.MergeDistance);
            if (same < 0) found.Add((h, qNow, 1));
            else found[same] = (found[same].Q <= qNow ? found[same].H : h, Math.Min(found[same].Q, qNow), found[same].Hits + 1);
        }
        return [.. found.Select(p => new FixedPoint(p.H, p.Q, LinearAlgebra.Eigenvalues(map.Jacobian(p.H), H), p.Hits)).OrderByDescending(p => p.Hits)];
    }

    private static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s);
    }
}
