using RnnOnnx.Forecasting.Preparation;

namespace RnnOnnx.Forecasting.Classical;

/// <summary>
/// Exponential smoothing with additive errors, the ETS(A,·,·) state space models of Hyndman, Koehler, Ord &amp;
/// Snyder (2008, table 2.2), chosen by AICc as R's <c>forecast::ets</c> does. On a log series the additive models
/// are the multiplicative ones' log-linear twins. With level l, trend b, damping φ and season s of length m:
/// <code>
/// ŷ_t = l_{t−1} + φ b_{t−1} + s_{t−m}          e_t = y_t − ŷ_t
/// l_t = l_{t−1} + φ b_{t−1} + α e_t            b_t = φ b_{t−1} + β e_t            s_t = s_{t−m} + γ e_t
/// ŷ_{n+h|n} = l_n + (φ + φ² + … + φ^h) b_n + s_{n+h−m⌈h/m⌉}
/// </code>
/// Candidates: trend none, additive (φ = 1) or damped (0.8 ≤ φ ≤ 0.98), each with and without the season. α, β, γ,
/// φ and the initial level and trend are fitted by least squares (the additive-error likelihood) with Nelder–Mead in
/// the usual region 0 &lt; β &lt; α &lt; 1, 0 &lt; γ &lt; 1 − α; the initial season is the classical decomposition of
/// the first cycles (counted as m − 1 parameters in AICc, as if fitted).
/// </summary>
public static class EtsMethod
{
    /// <summary>The longest season the seasonal models take (R's <c>ets</c> refuses longer ones; longer seasons are removed as profiles before).</summary>
    public const int MaxSeason = 24;

    /// <summary>The next <paramref name="horizon"/> values after the gap-free series <paramref name="y"/>.</summary>
    /// <param name="y">The series (at least 3 values).</param>
    /// <param name="season">Season length (1 = none; seasonal models are tried when 1 &lt; m ≤ <see cref="MaxSeason"/> and two cycles were seen).</param>
    /// <param name="horizon">Steps ahead (≥ 1).</param>
    /// <exception cref="DataException">Fewer than 3 values.</exception>
    public static double[] Forecast(ReadOnlySpan<double> y, int season, int horizon)
    {
        var fit = Fit(y, season);
        fit.Run(y);
        return fit.Forecast(horizon);
    }

    /// <summary>
    /// ETS as a baseline on a raw series, the way R's <c>ets</c> is run on it: in logs when every value is positive
    /// (the log-linear twins of the multiplicative models), with the season when it is at most <see cref="MaxSeason"/>.
    /// </summary>
    /// <param name="y">The gap-free series (at least 3 values).</param>
    /// <param name="season">Its season (1 = none; longer than <see cref="MaxSeason"/>: none).</param>
    /// <param name="horizon">Steps ahead (≥ 1).</param>
    /// <exception cref="DataException">Fewer than 3 values.</exception>
    public static double[] Baseline(ReadOnlySpan<double> y, int season, int horizon)
    {
        bool positive = true;
        foreach (var v in y) positive &= v > 0;
        var z = new double[y.Length];
        for (int t = 0; t < y.Length; t++) z[t] = positive ? Math.Log(y[t]) : y[t];
        var f = Forecast(z, season <= MaxSeason ? season : 1, horizon);
        return positive ? f.Select(Math.Exp).ToArray() : f;
    }

    /// <summary>The AICc-best candidate fitted to <paramref name="y"/> (at its initial states: <see cref="EtsFit.Run"/> it before forecasting).</summary>
    internal static EtsFit Fit(ReadOnlySpan<double> y, int season)
    {
        int n = y.Length;
        if (n < 3) throw new DataException($"Exponential smoothing needs at least 3 values, got {n}.");
        var data = y.ToArray();
        // A constant series has nothing to fit (every SSE is 0): its random walk forecasts the constant exactly.
        if (data.All(v => v == data[0])) return new EtsFit(EtsTrend.None, 1, 1, 0, 0, 1, data[0], 0, [0], double.PositiveInfinity);
        EtsFit? best = null;
        bool seasonalPossible = season > 1 && season <= MaxSeason && n >= 2 * season + 2;
        foreach (bool seasonal in seasonalPossible ? new[] { false, true } : [false])
            foreach (var trend in new[] { EtsTrend.None, EtsTrend.Additive, EtsTrend.Damped })
            {
                var fit = FitOne(data, trend, seasonal ? season : 1);
                if (fit is not null && (best is null || fit.Aicc < best.Aicc)) best = fit;
            }
        // ETS(A,N,N) has three parameters; a series too short even for it is forecast as a random walk (α = 1).
        return best ?? new EtsFit(EtsTrend.None, 1, 1, 0, 0, 1, data[0], 0, [0], double.PositiveInfinity);
    }

    private static EtsFit? FitOne(double[] y, EtsTrend trend, int m)
    {
        int n = y.Length;
        bool seasonal = m > 1, hasTrend = trend != EtsTrend.None, damped = trend == EtsTrend.Damped;
        int smoothing = 1 + (hasTrend ? 1 : 0) + (seasonal ? 1 : 0) + (damped ? 1 : 0);
        int k = smoothing + 1 + (hasTrend ? 1 : 0) + (seasonal ? m - 1 : 0) + 1;   // + initial states + σ
        if (n - k - 1 <= 0) return null;

        var initialSeason = seasonal ? SeasonalAdjustment.Profiles(y.AsSpan(0, Math.Min(n, 3 * m)), [m])[0] : [0.0];
        // Initial level and trend: a line through the first (deseasonalised) values, read one step before the first.
        int first = Math.Min(n, Math.Max(10, m));
        double tMean = (first - 1) / 2.0, yMean = 0, num = 0, den = 0;
        for (int t = 0; t < first; t++) yMean += (y[t] - initialSeason[t % initialSeason.Length]) / first;
        for (int t = 0; t < first; t++) { num += (t - tMean) * (y[t] - initialSeason[t % initialSeason.Length] - yMean); den += (t - tMean) * (t - tMean); }
        double slope0 = hasTrend ? num / den : 0, level0 = hasTrend ? yMean - slope0 * (tMean + 1) : yMean;
        double scale = 0;
        for (int t = 1; t < n; t++) scale += Math.Abs(y[t] - y[t - 1]) / (n - 1);
        if (!(scale > 0)) scale = Math.Max(1e-12, Math.Abs(y[0]) * 1e-9);

        EtsFit Decode(double[] u)
        {
            int i = 0;
            double alpha = Logistic(u[i++]);
            double beta = hasTrend ? alpha * Logistic(u[i++]) : 0;
            double gamma = seasonal ? (1 - alpha) * Logistic(u[i++]) : 0;
            double phi = damped ? 0.8 + 0.18 * Logistic(u[i++]) : 1;
            double level = level0 + scale * u[i++];
            double slope = hasTrend ? slope0 + scale * u[i++] : 0;
            return new EtsFit(trend, m, alpha, beta, gamma, phi, level, slope, (double[])initialSeason.Clone(), 0);
        }
        var start = new List<double> { Logit(0.5) };
        if (hasTrend) start.Add(Logit(0.1));
        if (seasonal) start.Add(Logit(0.1));
        if (damped) start.Add(Logit(0.5));
        start.Add(0);
        if (hasTrend) start.Add(0);
        // The objective in units of the series' scale, so that the search is the same for y and 10³⁰·y.
        double unit = 1 / (scale * scale);
        var u = NelderMead.Minimize(p => Decode(p).Run(y) * unit, [.. start], 0.5, 400 * start.Count);
        var fitted = Decode(u);
        double sse = fitted.Run(y);
        return fitted with { Aicc = n * Math.Log(Math.Max(sse, 1e-300) / n) + 2 * k + 2.0 * k * (k + 1) / (n - k - 1) };
    }

    private static double Logistic(double u) => 1 / (1 + Math.Exp(-u));

    private static double Logit(double p) => Math.Log(p / (1 - p));
}

/// <summary>The trend of an ETS model.</summary>
internal enum EtsTrend { None, Additive, Damped }

/// <summary>
/// One fitted ETS(A,·,·) model: its parameters and initial states (level and trend one step before the first value;
/// <see cref="Season"/>[p] the seasonal state of phase p = t mod m). <see cref="Run"/> moves a copy of the states
/// through a series; <see cref="Forecast"/> projects from where the last run ended.
/// </summary>
internal sealed record EtsFit(EtsTrend Trend, int Period, double Alpha, double Beta, double Gamma, double Phi,
    double Level, double Slope, double[] Season, double Aicc)
{
    private double _level = Level, _slope = Slope;
    private double[] _season = Season;
    private int _next;

    /// <summary>
    /// Runs the recursions over <paramref name="y"/> from the initial states and returns the sum of squared one-step
    /// errors. With <paramref name="scores"/>, every origin t ≥ <paramref name="firstOrigin"/> inside the series also
    /// forecasts k = 1..min(H, n−1−t) steps ahead and adds |y_{t+k} − ŷ_{t+k|t}| / (s·√k) (the conformal scores of
    /// <see cref="ClassicalFallback"/>; parameters fitted on the whole series, so these are in-sample errors).
    /// </summary>
    public double Run(ReadOnlySpan<double> y, List<double>? scores = null, int firstOrigin = 0, int horizon = 0, double scale = 1)
    {
        double l = Level, b = Slope, sse = 0;
        var season = (double[])Season.Clone();
        int m = season.Length;
        for (int t = 0; t < y.Length; t++)
        {
            double s = season[t % m];
            double e = y[t] - (l + Phi * b + s);
            l = l + Phi * b + Alpha * e;
            b = Phi * b + Beta * e;
            season[t % m] = s + Gamma * e;
            sse += e * e;
            if (scores is not null && t >= firstOrigin)
            {
                double damping = 0, power = 1;
                for (int k = 1; k <= horizon && t + k < y.Length; k++)
                {
                    power *= Phi;
                    damping += power;
                    scores.Add(Math.Abs(y[t + k] - (l + damping * b + season[(t + k) % m])) / scale / Math.Sqrt(k));
                }
            }
        }
        (_level, _slope, _season, _next) = (l, b, season, y.Length);
        return sse;
    }

    /// <summary>The point forecasts after the last value <see cref="Run"/> saw (the initial states' one-step-ahead projections before any run).</summary>
    public double[] Forecast(int horizon)
    {
        var f = new double[horizon];
        double damping = 0, power = 1;
        for (int h = 1; h <= horizon; h++)
        {
            power *= Phi;
            damping += power;
            f[h - 1] = _level + damping * _slope + _season[(_next + h - 1) % _season.Length];
        }
        return f;
    }
}
