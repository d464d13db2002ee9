namespace RnnOnnx.Motor.Analysis;

/// <summary>Principal components of a set of rows (float64): mean, unit components, variances and explained ratios.</summary>
public sealed class PcaResult
{
    internal PcaResult(int dimensions, double[] mean, double[] components, double[] variances)
    {
        Dimensions = dimensions;
        Mean = mean;
        Components = components;
        Variances = variances;
        double total = variances.Sum(v => Math.Max(v, 0));
        ExplainedRatio = [.. variances.Select(v => total > 0 ? Math.Max(v, 0) / total : 0)];
    }

    /// <summary>Width of a row.</summary>
    public int Dimensions { get; }

    /// <summary>Column means.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>All principal axes as rows [Dimensions, Dimensions], in decreasing order of variance.</summary>
    public IReadOnlyList<double> Components { get; }

    /// <summary>Variance along each axis (sample covariance, n − 1), decreasing.</summary>
    public IReadOnlyList<double> Variances { get; }

    /// <summary>Fraction of the total variance along each axis.</summary>
    public IReadOnlyList<double> ExplainedRatio { get; }

    /// <summary>Fraction of the variance in the first <paramref name="k"/> components.</summary>
    public double Cumulative(int k) => ExplainedRatio.Take(k).Sum();

    /// <summary>Coordinates of a row on the first <paramref name="k"/> components (after subtracting the mean).</summary>
    public double[] Project(ReadOnlySpan<double> row, int k)
    {
        var y = new double[k];
        for (int c = 0; c < k; c++)
        {
            double s = 0;
            for (int j = 0; j < Dimensions; j++) s += (row[j] - Mean[j]) * Components[c * Dimensions + j];
            y[c] = s;
        }
        return y;
    }
}

/// <summary>Principal component analysis by the eigen-decomposition of the sample covariance.</summary>
public static class Pca
{
    /// <summary>Fits PCA to <paramref name="rows"/> rows of width <paramref name="dimensions"/> (row-major).</summary>
    /// <exception cref="DataException">Fewer than two rows or a non-finite value.</exception>
    public static PcaResult Fit(ReadOnlySpan<double> data, int rows, int dimensions)
    {
        if (rows < 2 || dimensions < 1 || data.Length != rows * dimensions)
            throw new DataException($"PCA needs at least 2 rows of {dimensions} values; got {data.Length} values for {rows} rows.");
        int d = dimensions;
        var mean = new double[d];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++)
            {
                double v = data[r * d + j];
                if (!double.IsFinite(v)) throw new DataException($"PCA input row {r}, column {j} is {v}.");
                mean[j] += v;
            }
        for (int j = 0; j < d; j++) mean[j] /= rows;
        var cov = new double[d * d];
        var centred = new double[d];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < d; j++) centred[j] = data[r * d + j] - mean[j];
            for (int i = 0; i < d; i++)
            {
                double ci = centred[i];
                if (ci == 0) continue;
                for (int j = i; j < d; j++) cov[i * d + j] += ci * centred[j];
            }
        }
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
            {
                cov[i * d + j] /= rows - 1;
                cov[j * d + i] = cov[i * d + j];
            }
        var values = LinearAlgebra.SymmetricEigen(cov, d, out var vectors);
        return new PcaResult(d, mean, vectors, values);
    }
}
