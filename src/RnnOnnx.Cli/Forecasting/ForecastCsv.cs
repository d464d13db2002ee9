using System.Globalization;
using System.Text;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>One series' forecast as the CLI writes it.</summary>
/// <param name="Id">The series id ("" without an id column).</param>
/// <param name="History">The values read (NaN where missing), for the plot.</param>
/// <param name="Times">The times of <paramref name="History"/>, or null without a time column.</param>
/// <param name="Frequency">The times' frequency, or null.</param>
/// <param name="Forecast">The forecast, with one interval per level asked for, in the order of the CSV's bound columns.</param>
internal sealed record SeriesForecast(string Id, IReadOnlyList<double> History, IReadOnlyList<DateTime>? Times, SeriesFrequency? Frequency, RnnForecast Forecast)
{
    /// <summary>The forecast steps' times (the frequency carried on from the last time), or null.</summary>
    public IReadOnlyList<DateTime>? FutureTimes { get; } = Times is { Count: > 0 } t && Frequency is { } f
        ? Enumerable.Range(1, Forecast.Forecast.Length).Select(k => f.Advance(t[^1], k)).ToArray()
        : null;
}

/// <summary>
/// Writes the forecast CSV of DESIGN §5, atomically. One series, one level, no time column: exactly
/// <c>step,forecast,lower,upper</c> (step = 1..H; scripts rely on it). An <c>id</c> column comes first with an id
/// column in the input, a <c>timestamp</c> column (ISO 8601, dates for daily and longer steps) follows <c>step</c>
/// with a time column, and several levels name their bounds <c>lower_80,upper_80,lower_95,upper_95</c>.
/// </summary>
internal static class ForecastCsv
{
    public static string Format(IReadOnlyList<SeriesForecast> series, bool withId, IReadOnlyList<double> levels)
    {
        bool withTime = series.Any(s => s.FutureTimes is not null);
        var text = new StringBuilder();
        text.Append(withId ? "id,step" : "step").Append(withTime ? ",timestamp,forecast" : ",forecast");
        foreach (var level in levels) text.Append(',').Append(BoundNames(level, levels.Count));
        text.Append('\n');
        foreach (var s in series)
        {
            var f = s.Forecast;
            for (int i = 0; i < f.Forecast.Length; i++)
            {
                if (withId) text.Append(Cell(s.Id)).Append(',');
                text.Append(CultureInfo.InvariantCulture, $"{i + 1},");
                if (withTime) text.Append(s.FutureTimes is { } t ? s.Frequency!.Format(t[i]) : "").Append(',');
                text.Append(CultureInfo.InvariantCulture, $"{f.Forecast[i]:R}");
                foreach (var interval in f.Intervals)
                    text.Append(CultureInfo.InvariantCulture, $",{interval.Lower[i]:R},{interval.Upper[i]:R}");
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    public static void Write(string path, IReadOnlyList<SeriesForecast> series, bool withId, IReadOnlyList<double> levels) =>
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(Format(series, withId, levels)));

    /// <summary><c>lower,upper</c> for one level, <c>lower_80,upper_80</c> for each of several.</summary>
    public static string BoundNames(double level, int levels) =>
        levels == 1 ? "lower,upper" : $"lower_{Percent(level)},upper_{Percent(level)}";

    /// <summary>0.8 → "80", 0.975 → "97.5".</summary>
    public static string Percent(double level) => Math.Round(level * 100, 4).ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>A CSV cell: quoted (RFC 4180) when it holds a separator, a quote or a line break.</summary>
    public static string Cell(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
