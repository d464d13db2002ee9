using System.Numerics;

namespace RnnOnnx.Motor.Analysis;

/// <summary>Small dense float64 linear algebra for the analyses (row-major arrays; sizes up to a few hundred).</summary>
internal static class LinearAlgebra
{
    /// <summary>
    /// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations. Returns eigenvalues in decreasing order
    /// and the matching unit eigenvectors as the rows of <c>vectors</c> [n, n].
    /// </summary>
    public static double[] SymmetricEigen(ReadOnlySpan<double> matrix, int n, out double[] vectors)
    {
        var a = matrix.ToArray();
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, total = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double x = a[i * n + j] * a[i * n + j];
                    total += x;
                    if (i != j) off += x;
                }
            if (off <= 1e-30 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double app = a[p * n + p], aqq = a[q * n + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k * n + p], vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
        }
        var order = Enumerable.Range(0, n).OrderByDescending(i => a[i * n + i]).ToArray();
        var values = new double[n];
        vectors = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            int i = order[r];
            values[r] = a[i * n + i];
            for (int k = 0; k < n; k++) vectors[r * n + k] = v[k * n + i];
        }
        return values;
    }

    /// <summary>Solves A x = b (A [n, n]) by Gaussian elimination with partial pivoting; null if singular.</summary>
    public static double[]? Solve(ReadOnlySpan<double> matrix, ReadOnlySpan<double> rhs, int n)
    {
        var a = matrix.ToArray();
        var b = rhs.ToArray();
        double scale = 0;
        foreach (double x in a) scale = Math.Max(scale, Math.Abs(x));
        for (int c = 0; c < n; c++)
        {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r * n + c]) > Math.Abs(a[piv * n + c])) piv = r;
            if (Math.Abs(a[piv * n + c]) <= 1e-14 * scale) return null;
            if (piv != c)
            {
                for (int k = 0; k < n; k++) (a[c * n + k], a[piv * n + k]) = (a[piv * n + k], a[c * n + k]);
                (b[c], b[piv]) = (b[piv], b[c]);
            }
            for (int r = c + 1; r < n; r++)
            {
                double f = a[r * n + c] / a[c * n + c];
                if (f == 0) continue;
                for (int k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
                b[r] -= f * b[c];
            }
        }
        var x2 = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r * n + k] * x2[k];
            x2[r] = s / a[r * n + r];
        }
        return x2;
    }

    /// <summary>
    /// Eigenvalues of a general real matrix [n, n]: reduction to upper Hessenberg form by stabilised elimination, then
    /// the Francis double-shift QR iteration (Wilkinson &amp; Reinsch's hqr). Sorted by decreasing magnitude.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The QR iteration did not converge (non-finite input).</exception>
    public static Complex[] Eigenvalues(ReadOnlySpan<double> matrix, int n)
    {
        var a = matrix.ToArray();
        ref double A(int i, int j) => ref a[i * n + j];
        // Hessenberg by elimination with pivoting.
        for (int m = 1; m < n - 1; m++)
        {
            double x = 0;
            int piv = m;
            for (int j = m; j < n; j++)
                if (Math.Abs(A(j, m - 1)) > Math.Abs(x)) { x = A(j, m - 1); piv = j; }
            if (piv != m)
            {
                for (int j = m - 1; j < n; j++) (A(piv, j), A(m, j)) = (A(m, j), A(piv, j));
                for (int j = 0; j < n; j++) (A(j, piv), A(j, m)) = (A(j, m), A(j, piv));
            }
            if (x == 0) continue;
            for (int i = m + 1; i < n; i++)
            {
                double y = A(i, m - 1);
                if (y == 0) continue;
                y /= x;
                A(i, m - 1) = 0;
                for (int j = m; j < n; j++) A(i, j) -= y * A(m, j);
                for (int j = 0; j < n; j++) A(j, m) += y * A(j, i);
            }
        }
        var wr = new double[n];
        var wi = new double[n];
        double anorm = 0;
        for (int i = 0; i < n; i++)
            for (int j = Math.Max(i - 1, 0); j < n; j++) anorm += Math.Abs(A(i, j));
        int nn = n - 1;
        double t = 0;
        while (nn >= 0)
        {
            int its = 0, l;
            do
            {
                for (l = nn; l >= 1; l--)
                {
                    double s = Math.Abs(A(l - 1, l - 1)) + Math.Abs(A(l, l));
                    if (s == 0) s = anorm;
                    if (Math.Abs(A(l, l - 1)) + s == s) { A(l, l - 1) = 0; break; }
                }
                double x = A(nn, nn);
                if (l == nn)
                {
                    wr[nn] = x + t;
                    wi[nn--] = 0;
                }
                else
                {
                    double y = A(nn - 1, nn - 1), w = A(nn, nn - 1) * A(nn - 1, nn);
                    if (l == nn - 1)
                    {
                        double p = 0.5 * (y - x), q = p * p + w, z = Math.Sqrt(Math.Abs(q));
                        x += t;
                        if (q >= 0)
                        {
                            z = p + (p >= 0 ? Math.Abs(z) : -Math.Abs(z));
                            wr[nn - 1] = wr[nn] = x + z;
                            if (z != 0) wr[nn] = x - w / z;
                            wi[nn - 1] = wi[nn] = 0;
                        }
                        else
                        {
                            wr[nn - 1] = wr[nn] = x + p;
                            wi[nn - 1] = -(wi[nn] = z);
                        }
                        nn -= 2;
                    }
                    else
                    {
                        if (its == 60) throw new TrainingDivergedException("Eigenvalue QR iteration did not converge (is the matrix finite?).");
                        if (its == 10 || its == 20)
                        {
                            t += x;
                            for (int i = 0; i <= nn; i++) A(i, i) -= x;
                            double s = Math.Abs(A(nn, nn - 1)) + Math.Abs(A(nn - 1, nn - 2));
                            y = x = 0.75 * s;
                            w = -0.4375 * s * s;
                        }
                        ++its;
                        int m;
                        double p = 0, q = 0, r = 0, z;
                        for (m = nn - 2; m >= l; m--)
                        {
                            z = A(m, m);
                            r = x - z;
                            double s = y - z;
                            p = (r * s - w) / A(m + 1, m) + A(m, m + 1);
                            q = A(m + 1, m + 1) - z - r - s;
                            r = A(m + 2, m + 1);
                            s = Math.Abs(p) + Math.Abs(q) + Math.Abs(r);
                            p /= s; q /= s; r /= s;
                            if (m == l) break;
                            double u = Math.Abs(A(m, m - 1)) * (Math.Abs(q) + Math.Abs(r));
                            double v = Math.Abs(p) * (Math.Abs(A(m - 1, m - 1)) + Math.Abs(z) + Math.Abs(A(m + 1, m + 1)));
                            if (u + v == v) break;
                        }
                        for (int i = m + 2; i <= nn; i++)
                        {
                            A(i, i - 2) = 0;
                            if (i != m + 2) A(i, i - 3) = 0;
                        }
                        for (int k = m; k <= nn - 1; k++)
                        {
                            if (k != m)
                            {
                                p = A(k, k - 1);
                                q = A(k + 1, k - 1);
                                r = 0;
                                if (k != nn - 1) r = A(k + 2, k - 1);
                                if ((x = Math.Abs(p) + Math.Abs(q) + Math.Abs(r)) != 0) { p /= x; q /= x; r /= x; }
                            }
                            double norm = Math.Sqrt(p * p + q * q + r * r);
                            double s2 = p >= 0 ? norm : -norm;
                            if (s2 != 0)
                            {
                                if (k == m) { if (l != m) A(k, k - 1) = -A(k, k - 1); }
                                else A(k, k - 1) = -s2 * x;
                                p += s2;
                                x = p / s2; y = q / s2; z = r / s2;
                                q /= p; r /= p;
                                for (int j = k; j <= nn; j++)
                                {
                                    p = A(k, j) + q * A(k + 1, j);
                                    if (k != nn - 1) { p += r * A(k + 2, j); A(k + 2, j) -= p * z; }
                                    A(k + 1, j) -= p * y;
                                    A(k, j) -= p * x;
                                }
                                int mmin = nn < k + 3 ? nn : k + 3;
                                for (int i = l; i <= mmin; i++)
                                {
                                    p = x * A(i, k) + y * A(i, k + 1);
                                    if (k != nn - 1) { p += z * A(i, k + 2); A(i, k + 2) -= p * r; }
                                    A(i, k + 1) -= p * q;
                                    A(i, k) -= p;
                                }
                            }
                        }
                    }
                }
            } while (l < nn - 1);
        }
        var result = new Complex[n];
        for (int i = 0; i < n; i++) result[i] = new Complex(wr[i], wi[i]);
        return [.. result.OrderByDescending(c => c.Magnitude).ThenByDescending(c => c.Imaginary)];
    }
}
