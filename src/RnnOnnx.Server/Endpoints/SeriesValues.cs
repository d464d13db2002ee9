using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Endpoints;

/// <summary>A JSON array of numbers with nulls for missing values, checked and turned into the model's doubles (NaN = missing).</summary>
internal static class SeriesValues
{
    /// <exception cref="ProblemException">The array is absent, empty or longer than <paramref name="maxLength"/> (400).</exception>
    public static double[] Read(double?[]? values, string field, int maxLength)
    {
        if (values is null) throw new ProblemException(400, "Invalid input", $"'{field}' is required: an array of numbers (null for a missing value).");
        if (values.Length == 0) throw new ProblemException(400, "Invalid input", $"'{field}' is empty; it needs at least one number.");
        if (values.Length > maxLength)
            throw new ProblemException(400, "Invalid input", $"'{field}' has {values.Length} values; this server takes at most {maxLength}.");
        int bad = Array.FindIndex(values, v => v is { } x && !double.IsFinite(x));
        if (bad >= 0) throw new ProblemException(400, "Invalid input", $"'{field}[{bad}]' is {values[bad]}; values must be finite numbers (null for a missing value).");
        return values.Select(v => v ?? double.NaN).ToArray();
    }
}
