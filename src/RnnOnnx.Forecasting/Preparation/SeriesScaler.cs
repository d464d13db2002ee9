using System.Text.Json.Serialization;

namespace RnnOnnx.Forecasting.Preparation;

/// <summary>
/// One series' map into the network's units: z = log y (or y), and the network reads differences
/// (z_t − z_{t−1}) / s and predicts (z_{t+h} − z_t) / s, with s the mean absolute first difference of z — the
/// in-sample naive MAE that MASE divides by, so an L1 loss on scaled targets is a MASE loss, and every series
/// weighs the same in a global model. Working relative to the last value makes the network level-free (what
/// per-window normalisation gives) while its inputs stay the same as a stream moves on, so the step model can
/// carry state in O(1) per observation.
/// <para>
/// <see cref="Drift"/> is the series' mean change per step (scaled), the drift of a random walk with drift. The
/// network is trained on mirrored windows as well (see <see cref="Training.ForecastWindows"/>), so it cannot learn an
/// unconditional trend; the forecast adds h × drift to its output instead. A long-run estimate of the trend then
/// replaces whatever trend the newest windows had, which is what a network fitted on them would carry into a reversal.
/// </para>
/// </summary>
internal sealed record SeriesScaler(
    [property: JsonPropertyName("log")] bool Log,
    [property: JsonPropertyName("scale")] double Scale,
    [property: JsonPropertyName("drift")] double Drift = 0)
{
    public double Forward(double y) => Log ? Math.Log(y) : y;

    public double Inverse(double z) => Log ? Math.Exp(z) : z;

    /// <summary>Mean change per step, in units of <paramref name="scale"/>, of a series of <paramref name="length"/> points that moved by <paramref name="change"/>.</summary>
    public static double MeanChange(double change, int length, double scale) => change / (length - 1) / scale;

    /// <summary>The largest magnitude a series may have: forecasts and intervals (a few times the values) stay finite in float32.</summary>
    public const double MaxMagnitude = 1e36;

    /// <summary>The smallest largest-magnitude a series may have: its forecasts stay normal float32 numbers, with full precision.</summary>
    public const double MinMagnitude = 1e-30;

    /// <summary>A series' name as the subject of a sentence: "the series" → "The series", "'a'" → "Series 'a'".</summary>
    internal static string Subject(string series) =>
        series.Length == 0 ? "The series"
        : series.StartsWith('\'') ? "Series " + series
        : char.ToUpperInvariant(series[0]) + series[1..];

    /// <summary>Chooses the transform and the scale for a (gap-free) series (no seasonal adjustment).</summary>
    /// <exception cref="DataException">Log was asked for with a non-positive value.</exception>
    public static SeriesScaler Fit(ReadOnlySpan<double> y, ForecastTransform transform, string series)
    {
        bool log = UsesLog(y, transform, series);
        var z = new double[y.Length];
        for (int i = 0; i < y.Length; i++) z[i] = log ? Math.Log(y[i]) : y[i];
        return FitAdjusted(z, log, series);
    }

    /// <summary>Whether the series is modelled in logs; refuses magnitudes float32 cannot forecast and log of a non-positive series.</summary>
    /// <exception cref="DataException">Values out of float32's useful range, or log asked for with a non-positive value.</exception>
    public static bool UsesLog(ReadOnlySpan<double> y, ForecastTransform transform, string series)
    {
        bool positive = true;
        double largest = 0;
        foreach (var v in y) { positive &= v > 0; largest = Math.Max(largest, Math.Abs(v)); }
        // Everything up to the forecast is in double and scale-free (logs and differences over the mean absolute
        // difference), but a forecast is float32: outside its range values of 1e300 would come back as Infinity and
        // values of 1e-300 as zeros. Refuse instead of answering wrong.
        if (largest > MaxMagnitude || (largest > 0 && largest < MinMagnitude))
            throw new DataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{Subject(series)} has values of magnitude {largest:G3}; forecasts are float32, so values must lie within ±{MaxMagnitude:G0} and the largest must be at least {MinMagnitude:G0}: rescale the series (e.g. divide by 1e{Math.Floor(Math.Log10(largest)):F0}) and multiply the forecast back."));
        if (transform == ForecastTransform.Log && !positive)
            throw new DataException($"{Subject(series)} has values ≤ 0, so the log transform cannot be used (choose None or Auto).");
        return transform == ForecastTransform.Log || (transform == ForecastTransform.Auto && positive);
    }

    /// <summary>
    /// The scale (mean absolute first difference) and drift of a transformed, seasonally adjusted series. A constant
    /// series has no differences to scale by: it gets a scale of 1e-9 × its magnitude (at least 1e-30), so its
    /// forecast is that constant and its intervals are as narrow as float32 shows (see <see cref="IsConstant"/>).
    /// </summary>
    public static SeriesScaler FitAdjusted(ReadOnlySpan<double> a, bool log, string series)
    {
        double sum = 0;
        for (int i = 1; i < a.Length; i++) sum += Math.Abs(a[i] - a[i - 1]);
        double scale = sum / Math.Max(1, a.Length - 1);
        if (!(scale > 0)) return new SeriesScaler(log, Math.Max(1e-30, 1e-9 * Math.Abs(a[0])), 0);
        return new SeriesScaler(log, scale, MeanChange(a[^1] - a[0], a.Length, scale));
    }

    /// <summary>Whether every value equals the first (nothing to learn: such a series is forecast as that value).</summary>
    public static bool IsConstant(ReadOnlySpan<double> values)
    {
        foreach (var v in values) if (v != values[0]) return false;
        return true;
    }
}
