namespace RnnOnnx.Forecasting.Classical;

/// <summary>
/// The Nelder–Mead simplex minimiser (Nelder &amp; Mead, 1965) with the standard coefficients (reflection 1,
/// expansion 2, contraction ½, shrink ½), as R's <c>optim</c> default that <c>forecast::ets</c> uses, plus one restart
/// from the best point (a fresh simplex escapes a collapsed one). Derivative-free, so the objective may be any
/// function of a few parameters.
/// </summary>
internal static class NelderMead
{
    /// <summary>The minimising point of <paramref name="f"/> started at <paramref name="start"/> with initial steps <paramref name="step"/>.</summary>
    public static double[] Minimize(Func<double[], double> f, double[] start, double step, int maxEvaluations)
    {
        var best = start;
        for (int round = 0; round < 2; round++) best = Run(f, best, step, maxEvaluations / 2);
        return best;
    }

    private static double[] Run(Func<double[], double> f, double[] start, double step, int maxEvaluations)
    {
        int d = start.Length;
        var points = new double[d + 1][];
        var values = new double[d + 1];
        for (int i = 0; i <= d; i++)
        {
            points[i] = (double[])start.Clone();
            if (i > 0) points[i][i - 1] += step;
            values[i] = Evaluate(f, points[i]);
        }
        int evaluations = d + 1;
        var centroid = new double[d];
        while (evaluations < maxEvaluations)
        {
            var order = Enumerable.Range(0, d + 1).OrderBy(i => values[i]).ToArray();
            points = order.Select(i => points[i]).ToArray();
            values = order.Select(i => values[i]).ToArray();
            // Relative only: an absolute floor would stop at once on an objective that is small in its own units.
            if (Math.Abs(values[d] - values[0]) <= 1e-10 * Math.Abs(values[0])) break;
            Array.Clear(centroid);
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) centroid[j] += points[i][j] / d;
            double[] Towards(double t) { var p = new double[d]; for (int j = 0; j < d; j++) p[j] = centroid[j] + t * (points[d][j] - centroid[j]); return p; }
            var reflected = Towards(-1);
            double fr = Evaluate(f, reflected); evaluations++;
            if (fr < values[0])
            {
                var expanded = Towards(-2);
                double fe = Evaluate(f, expanded); evaluations++;
                (points[d], values[d]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[d - 1]) (points[d], values[d]) = (reflected, fr);
            else
            {
                var contracted = fr < values[d] ? Towards(-0.5) : Towards(0.5);
                double fc = Evaluate(f, contracted); evaluations++;
                if (fc < Math.Min(fr, values[d])) (points[d], values[d]) = (contracted, fc);
                else
                {
                    for (int i = 1; i <= d; i++)
                    {
                        for (int j = 0; j < d; j++) points[i][j] = points[0][j] + (points[i][j] - points[0][j]) / 2;
                        values[i] = Evaluate(f, points[i]);
                    }
                    evaluations += d;
                }
            }
        }
        int min = Array.IndexOf(values, values.Min());
        return points[min];
    }

    /// <summary>A non-finite objective (an exploding state) counts as the worst possible value, so the simplex moves away.</summary>
    private static double Evaluate(Func<double[], double> f, double[] x)
    {
        double v = f(x);
        return double.IsFinite(v) ? v : double.MaxValue;
    }
}
