namespace RnnOnnx.Forecasting.Preparation;

/// <summary>
/// Fills gaps (NaN) in a series by linear interpolation between the nearest observed neighbours, and carries the
/// first and last observed values outwards at the ends (as R's <c>na.interp</c> does for non-seasonal series).
/// </summary>
internal static class MissingValues
{
    /// <summary>The filled series and how many values were missing.</summary>
    /// <exception cref="DataException">No value is observed.</exception>
    public static double[] Fill(IReadOnlyList<double> values, string series, out int missing)
    {
        var result = values.ToArray();
        missing = result.Count(v => !double.IsFinite(v));
        if (missing == 0) return result;
        int first = Array.FindIndex(result, double.IsFinite);
        if (first < 0) throw new DataException($"{SeriesScaler.Subject(series)} has no observed value: all {result.Length} are missing.");
        for (int i = 0; i < first; i++) result[i] = result[first];
        int last = first;
        for (int i = first + 1; i < result.Length; i++)
        {
            if (!double.IsFinite(result[i])) continue;
            for (int j = last + 1; j < i; j++) result[j] = result[last] + (result[i] - result[last]) * (j - last) / (i - last);
            last = i;
        }
        for (int i = last + 1; i < result.Length; i++) result[i] = result[last];
        return result;
    }
}
