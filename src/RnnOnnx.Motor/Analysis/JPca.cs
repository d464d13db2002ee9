namespace RnnOnnx.Motor.Analysis;

/// <summary>jPCA's fits (Churchland et al. 2012) of dx/dt = M x in the top principal components.</summary>
public sealed class JPcaResult
{
    internal JPcaResult(int k, double[] m, double[] mSkew, double r2, double r2Skew, double[] plane, double frequency, double planeVariance, PcaResult pca)
    {
        Components = k;
        M = m;
        MSkew = mSkew;
        R2 = r2;
        R2Skew = r2Skew;
        Plane = plane;
        Frequency = frequency;
        PlaneVarianceFraction = planeVariance;
        Pca = pca;
    }

    /// <summary>Principal components used (6, or fewer when the data have fewer dimensions).</summary>
    public int Components { get; }

    /// <summary>Unconstrained least-squares M [k, k] (row convention: dx = x·M).</summary>
    public IReadOnlyList<double> M { get; }

    /// <summary>Skew-symmetric least-squares M [k, k].</summary>
    public IReadOnlyList<double> MSkew { get; }

    /// <summary>R² of the unconstrained fit.</summary>
    public double R2 { get; }

    /// <summary>R² of the skew-symmetric fit.</summary>
    public double R2Skew { get; }

    /// <summary>R²(skew) / R²(unconstrained): near 1 when the dynamics are rotational.</summary>
    public double Ratio => R2 > 0 ? R2Skew / R2 : 0;

    /// <summary>The top jPCA plane: two orthonormal rows [2, k] in principal-component coordinates.</summary>
    public IReadOnlyList<double> Plane { get; }

    /// <summary>Rotation frequency in the top plane, rad/s (the largest |imaginary part| of the skew M's eigenvalues).</summary>
    public double Frequency { get; }

    /// <summary>Fraction of the (condition-mean-subtracted) variance captured by the top jPCA plane.</summary>
    public double PlaneVarianceFraction { get; }

    /// <summary>The PCA the fits live in.</summary>
    public PcaResult Pca { get; }

    /// <summary>Coordinates of a state (condition mean already subtracted) in the top jPCA plane.</summary>
    public (double A, double B) ProjectPlane(ReadOnlySpan<double> state)
    {
        var y = Pca.Project(state, Components);
        double a = 0, b = 0;
        for (int i = 0; i < Components; i++) { a += y[i] * Plane[i]; b += y[i] * Plane[Components + i]; }
        return (a, b);
    }
}

/// <summary>
/// jPCA (Churchland et al. 2012): subtract the cross-condition mean at each time, project on the top principal
/// components, and fit dx/dt = M x by least squares, once with M unconstrained and once with M skew-symmetric (linear
/// least squares in the k(k−1)/2 free entries). The top jPCA plane is spanned by the eigenvectors of the skew M
/// with the largest rotation frequency.
/// </summary>
public static class JPca
{
    /// <summary>Fits jPCA.</summary>
    /// <param name="data">[conditions, times, dimensions] row-major.</param>
    /// <param name="conditions">Conditions (e.g. reach directions).</param>
    /// <param name="times">Time points per condition.</param>
    /// <param name="dimensions">State width.</param>
    /// <param name="dt">Time between points, s.</param>
    /// <param name="components">Principal components kept (default 6).</param>
    /// <param name="subtractConditionMean">Subtract the mean over conditions at each time (Churchland's default).</param>
    /// <exception cref="DataException">Sizes disagree or there are too few points.</exception>
    public static JPcaResult Fit(ReadOnlySpan<double> data, int conditions, int times, int dimensions, double dt, int components = 6, bool subtractConditionMean = true)
    {
        if (conditions < 1 || times < 3 || data.Length != conditions * times * dimensions)
            throw new DataException($"jPCA needs [conditions, times ≥ 3, dimensions] data; got {data.Length} values for {conditions}×{times}×{dimensions}.");
        if (!(dt > 0)) throw new DataException($"jPCA time step must be > 0, got {dt}.");
        int d = dimensions, T = times, C = conditions;
        var x = data.ToArray();
        if (subtractConditionMean && C > 1)
            for (int t = 0; t < T; t++)
                for (int j = 0; j < d; j++)
                {
                    double mean = 0;
                    for (int c = 0; c < C; c++) mean += x[(c * T + t) * d + j];
                    mean /= C;
                    for (int c = 0; c < C; c++) x[(c * T + t) * d + j] -= mean;
                }
        var pca = Pca.Fit(x, C * T, d);
        int k = Math.Min(components, d);
        // Projections, their time derivatives, and states at the midpoints.
        int n = C * (T - 1);
        var y = new double[n * k];
        var dy = new double[n * k];
        for (int c = 0; c < C; c++)
        {
            var prev = pca.Project(x.AsSpan((c * T) * d, d), k);
            for (int t = 1; t < T; t++)
            {
                var cur = pca.Project(x.AsSpan((c * T + t) * d, d), k);
                int r = c * (T - 1) + t - 1;
                for (int i = 0; i < k; i++)
                {
                    y[r * k + i] = 0.5 * (cur[i] + prev[i]);
                    dy[r * k + i] = (cur[i] - prev[i]) / dt;
                }
                prev = cur;
            }
        }
        // Unconstrained: M = (YᵀY)⁻¹ Yᵀ dY, column by column.
        var yty = new double[k * k];
        for (int r = 0; r < n; r++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) yty[i * k + j] += y[r * k + i] * y[r * k + j];
        var m = new double[k * k];
        var rhs = new double[k];
        for (int col = 0; col < k; col++)
        {
            Array.Clear(rhs);
            for (int r = 0; r < n; r++)
                for (int i = 0; i < k; i++) rhs[i] += y[r * k + i] * dy[r * k + col];
            var sol = LinearAlgebra.Solve(yty, rhs, k) ?? throw new DataException("jPCA: the projected states are degenerate (a principal component has no variance).");
            for (int i = 0; i < k; i++) m[i * k + col] = sol[i];
        }
        // Skew: M = Σ_(a<b) s_ab (E_ab − E_ba); (y·M)_col = Σ_a y_a M_a,col.
        var pairs = new List<(int A, int B)>();
        for (int a = 0; a < k; a++) for (int b = a + 1; b < k; b++) pairs.Add((a, b));
        int p = pairs.Count;
        var ata = new double[p * p];
        var atb = new double[p];
        var feat = new double[p * k]; // feature of parameter q on output column col
        for (int r = 0; r < n; r++)
        {
            Array.Clear(feat);
            for (int q = 0; q < p; q++)
            {
                var (a, b) = pairs[q];
                feat[q * k + b] += y[r * k + a];
                feat[q * k + a] -= y[r * k + b];
            }
            for (int q1 = 0; q1 < p; q1++)
            {
                for (int col = 0; col < k; col++) atb[q1] += feat[q1 * k + col] * dy[r * k + col];
                for (int q2 = q1; q2 < p; q2++)
                {
                    double s = 0;
                    for (int col = 0; col < k; col++) s += feat[q1 * k + col] * feat[q2 * k + col];
                    ata[q1 * p + q2] += s;
                }
            }
        }
        for (int q1 = 0; q1 < p; q1++) for (int q2 = 0; q2 < q1; q2++) ata[q1 * p + q2] = ata[q2 * p + q1];
        var mSkew = new double[k * k];
        if (p > 0)
        {
            var s = LinearAlgebra.Solve(ata, atb, p) ?? throw new DataException("jPCA: the skew-symmetric fit is degenerate.");
            for (int q = 0; q < p; q++) { var (a, b) = pairs[q]; mSkew[a * k + b] = s[q]; mSkew[b * k + a] = -s[q]; }
        }
        double r2 = RSquared(y, dy, m, n, k), r2Skew = RSquared(y, dy, mSkew, n, k);
        // Top plane: −M² = MᵀM is symmetric; its top eigenvector u and M·u span the fastest rotation plane.
        var mtm = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double sum = 0;
                for (int l = 0; l < k; l++) sum += mSkew[l * k + i] * mSkew[l * k + j];
                mtm[i * k + j] = sum;
            }
        var ev = LinearAlgebra.SymmetricEigen(mtm, k, out var vecs);
        var plane = new double[2 * k];
        double freq = Math.Sqrt(Math.Max(ev[0], 0));
        for (int i = 0; i < k; i++) plane[i] = vecs[i];
        var mu = new double[k];
        for (int i = 0; i < k; i++) { double sum = 0; for (int l = 0; l < k; l++) sum += mSkew[i * k + l] * plane[l]; mu[i] = sum; }
        double nrm = Math.Sqrt(mu.Sum(v => v * v));
        if (nrm > 0) for (int i = 0; i < k; i++) plane[k + i] = mu[i] / nrm;
        else if (k > 1) for (int i = 0; i < k; i++) plane[k + i] = vecs[k + i];
        // Variance captured by the plane.
        double total = pca.Variances.Sum(v => Math.Max(v, 0)), inPlane = 0;
        for (int row = 0; row < 2; row++)
            for (int i = 0; i < k; i++) inPlane += plane[row * k + i] * plane[row * k + i] * Math.Max(pca.Variances[i], 0);
        return new JPcaResult(k, m, mSkew, r2, r2Skew, plane, freq, total > 0 ? inPlane / total : 0, pca);
    }

    private static double RSquared(double[] y, double[] dy, double[] m, int n, int k)
    {
        var mean = new double[k];
        for (int r = 0; r < n; r++) for (int i = 0; i < k; i++) mean[i] += dy[r * k + i];
        for (int i = 0; i < k; i++) mean[i] /= n;
        double res = 0, tot = 0;
        for (int r = 0; r < n; r++)
            for (int col = 0; col < k; col++)
            {
                double pred = 0;
                for (int i = 0; i < k; i++) pred += y[r * k + i] * m[i * k + col];
                double e = dy[r * k + col] - pred, c = dy[r * k + col] - mean[col];
                res += e * e;
                tot += c * c;
            }
        return tot > 0 ? 1 - res / tot : 0;
    }
}
