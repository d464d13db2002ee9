namespace RnnOnnx.Forecasting.Classical;

/// <summary>
/// The classical forecaster of series too short for the network: exponential smoothing (<see cref="EtsMethod"/>,
/// AICc-chosen) on the transformed series with its season in ETS's own evolving state (only seasons longer than
/// <see cref="EtsMethod.MaxSeason"/> removed as profiles: <see cref="Training.SeriesMethod.Ets"/>); or, in model
/// files written before it, the Theta method on the seasonally adjusted series. Intervals are split-conformal on the
/// method's own errors on the history. Removed profiles are added back by the caller.
/// </summary>
internal static class ClassicalFallback
{
    /// <summary>A classical method reads at most this many of the newest points: its level forgets the past anyway, and the engine keeps a bounded buffer.</summary>
    public const int Memory = 2000;

    /// <summary>Rolling origins scored for the intervals (the newest; each forecasts up to H steps ahead within the history).</summary>
    private const int MaxOrigins = 40;

    /// <summary>Whether <paramref name="method"/> is forecast by a classical method alone (not by the network).</summary>
    public static bool Handles(ForecastMethod method) => method is ForecastMethod.Ets or ForecastMethod.Theta;

    /// <summary>Whether <paramref name="method"/> runs the network (alone or in a blend).</summary>
    public static bool NeedsNetwork(ForecastMethod method) => method is ForecastMethod.Network or ForecastMethod.Blend;

    /// <summary>
    /// The classical forecasts of the next <paramref name="horizon"/> adjusted values a (needs 3 points) after the
    /// adjusted values <paramref name="adjusted"/>, whose last is at time index <paramref name="next"/> − 1. Exponential
    /// smoothing keeps its season in its own state, so it reads a with that season's profile added back (a blend's
    /// network had it removed; an ETS series never has it removed) and its forecasts lose it again.
    /// </summary>
    public static double[] Forecast(Training.SeriesMethod method, ReadOnlySpan<double> adjusted, long next, int horizon) =>
        Run(method, adjusted, next, horizon, scale: null).Forecast;

    /// <summary>
    /// <see cref="Forecast"/> and, for a method that forecasts alone, the sorted conformal scores
    /// |a_{o+k} − f_{o,k}| / (s·√k) of its forecasts from the newest origins o, k = 1..min(H, n−1−o), that calibrate
    /// its intervals (growth as √k, as the network's scores); null for a blend, whose intervals are the network's.
    /// Theta is refitted on a[..o] at each origin (at least 3 points); ETS is fitted once, and the one run of its
    /// states through the history both scores the origins and ends where the forecast starts (refitting its six
    /// candidates at every origin would cost a stream's update forty fits).
    /// </summary>
    public static (double[] Forecast, double[]? Scores) ForecastWithScores(Training.SeriesMethod method, ReadOnlySpan<double> adjusted, long next, int horizon, double scale) =>
        Run(method, adjusted, next, horizon, Handles(method.Method) ? scale : null);

    private static (double[] Forecast, double[]? Scores) Run(Training.SeriesMethod method, ReadOnlySpan<double> adjusted, long next, int horizon, double? scale)
    {
        var a = adjusted[Math.Max(0, adjusted.Length - Memory)..];
        int n = a.Length, firstOrigin = Math.Max(2, n - 1 - MaxOrigins);
        var scores = scale is null ? null : new List<double>();
        double[] forecast;
        if (method.Method == ForecastMethod.Theta)
        {
            forecast = ThetaMethod.Forecast(a, 1, horizon);
            for (int o = firstOrigin; scores is not null && o <= n - 2; o++)
            {
                var f = ThetaMethod.Forecast(a[..(o + 1)], 1, Math.Min(horizon, n - 1 - o));
                for (int k = 1; k <= f.Length; k++) scores.Add(Math.Abs(a[o + k] - f[k - 1]) / scale!.Value / Math.Sqrt(k));
            }
        }
        else
        {
            // The own season's profile cancels in the scores' errors: y − ŷ = a − â.
            var y = EtsInput(method, a, next - n);
            var fit = EtsMethod.Fit(y, method.EtsSeason);
            fit.Run(y, scores, firstOrigin, horizon, scale ?? 1);
            forecast = fit.Forecast(horizon);
            for (int h = 0; h < horizon; h++) forecast[h] -= OwnSeasonal(method, next + h);
        }
        scores?.Sort();
        return (forecast, scores is null ? null : [.. scores]);
    }

    /// <summary>What exponential smoothing reads: adjusted values (the first at time index <paramref name="first"/>) with the profile of its own season added back.</summary>
    public static double[] EtsInput(Training.SeriesMethod method, ReadOnlySpan<double> adjusted, long first)
    {
        var y = new double[adjusted.Length];
        for (int i = 0; i < adjusted.Length; i++) y[i] = adjusted[i] + OwnSeasonal(method, first + i);
        return y;
    }

    /// <summary>The removed profile of the season ETS keeps in its own state (if it was removed), at time index t.</summary>
    private static double OwnSeasonal(Training.SeriesMethod method, long t)
    {
        int k = Array.IndexOf(method.Seasons, method.EtsSeason);
        return method.EtsSeason > 1 && k >= 0 ? method.Profiles[k][(int)(t % method.EtsSeason)] : 0;
    }

    /// <summary>
    /// The score for coverage <paramref name="level"/>: the larger of the split-conformal quantile (the ⌈(N+1)c⌉-th
    /// smallest of N scores, or the largest when N &lt; c/(1−c)) and the random-walk bound z_{(1+c)/2}·√(π/2): a
    /// random walk whose steps have mean absolute size s has step deviation s·√(π/2) (normal steps), so its h-step
    /// interval at level c has half-width z·s·√(π/2)·√h (the naive method's interval). A short history's in-sample
    /// errors are few and from one regime (a smooth trend gives tiny ones), so the classical fallback's intervals are
    /// never narrower than the random walk's; with no score at all (3 points) they are the random walk's.
    /// </summary>
    public static double Quantile(double[] sorted, double level)
    {
        int n = sorted.Length;
        int rank = (int)Math.Ceiling((n + 1) * level);
        double walk = NormalQuantile((1 + level) / 2) * Math.Sqrt(Math.PI / 2);
        return n == 0 ? walk : Math.Max(walk, sorted[Math.Min(rank, n) - 1]);
    }

    /// <summary>Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9).</summary>
    internal static double NormalQuantile(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) return -NormalQuantile(1 - p);
        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
