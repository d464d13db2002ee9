using System.Globalization;
using RnnOnnx.Forecasting;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>
/// Writes the forecast CSV of DESIGN §5: header <c>step,forecast,lower,upper</c>, step = 1..H, atomically; with the
/// forecast times (a table with a time column) a <c>timestamp</c> column after <c>step</c>, ISO 8601.
/// </summary>
internal static class ForecastCsv
{
    public static string Format(RnnForecast forecast, IReadOnlyList<DateTime>? times = null)
    {
        var text = new System.Text.StringBuilder(times is null ? "step,forecast,lower,upper\n" : "step,timestamp,forecast,lower,upper\n");
        for (int i = 0; i < forecast.Forecast.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1},");
            if (times is not null) text.Append(Iso8601(times[i])).Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{forecast.Forecast[i]:R},{forecast.Lower[i]:R},{forecast.Upper[i]:R}\n");
        }
        return text.ToString();
    }

    /// <summary>A date alone when the time is midnight (monthly, daily data), else date and time.</summary>
    private static string Iso8601(DateTime time) =>
        time.TimeOfDay == TimeSpan.Zero ? time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : time.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    public static void Write(string path, RnnForecast forecast, IReadOnlyList<DateTime>? times = null) =>
        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(Format(forecast, times)));
}
