namespace RnnOnnx.Forecasting.Training;

/// <summary>
/// A sorted sample summarised by G evenly spaced quantiles (type-7 interpolation between order statistics, R's
/// default): stored in the config, it gives the conformal score for any level without storing every score.
/// </summary>
internal static class ScoreGrid
{
    public const int Points = 201;

    /// <summary>The values of the sorted sample at fractions i/(G−1), i = 0..G−1.</summary>
    public static double[] Of(IReadOnlyList<double> sorted)
    {
        var grid = new double[Points];
        for (int i = 0; i < Points; i++) grid[i] = Interpolate(sorted, (double)i / (Points - 1));
        return grid;
    }

    /// <summary>The grid read at fraction p in [0, 1] (linear between its points).</summary>
    public static double At(double[] grid, double p) => Interpolate(grid, p);

    private static double Interpolate(IReadOnlyList<double> sorted, double p)
    {
        double position = Math.Clamp(p, 0, 1) * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(sorted.Count - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
