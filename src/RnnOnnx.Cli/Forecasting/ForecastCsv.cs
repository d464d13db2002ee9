using System.Globalization;
using RnnOnnx.Forecasting;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>Writes the forecast CSV of DESIGN §5: header <c>step,forecast,lower,upper</c>, step = 1..H, atomically.</summary>
internal static class ForecastCsv
{
    public static string Format(RnnForecast forecast)
    {
        var text = new System.Text.StringBuilder("step,forecast,lower,upper\n");
        for (int i = 0; i < forecast.Forecast.Length; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i + 1},{forecast.Forecast[i]:R},{forecast.Lower[i]:R},{forecast.Upper[i]:R}\n");
        return text.ToString();
    }

    public static void Write(string path, RnnForecast forecast) => AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(Format(forecast)));
}
