using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Classical;
using RnnOnnx.Forecasting.Data;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>
/// The forecasting protocol of data/forecast/BASELINES.md: for each series in panel.json, hold out the last horizon,
/// train on the rest (season from the panel), forecast, score MASE, sMAPE and interval coverage.
/// </summary>
internal static class PanelBenchmark
{
    public sealed record Entry(string Name, int Season, int Horizon);

    /// <summary>One series' scores; <paramref name="ThetaMase"/> is our C# Theta method's, a check against BASELINES.md's thetaf column.</summary>
    public sealed record Result(string Series, double Mase, double Smape, double Coverage, int Points, double Seconds, int Epochs, int Window, double ThetaMase);

    public static List<Entry> ReadPanel(string directory)
    {
        string path = Path.Combine(directory, "panel.json");
        if (!File.Exists(path)) throw new ArgumentException($"'{directory}' has no panel.json.");
        using var doc = JsonDocument.Parse(Serialization.InputFile.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Select(e => new Entry(e.GetProperty("name").GetString()!, e.GetProperty("season").GetInt32(), e.GetProperty("horizon").GetInt32())).ToList();
    }

    public static Result Run(string directory, Entry entry, RnnForecastOptions template)
    {
        var values = SeriesTable.Read(Path.Combine(directory, entry.Name + ".csv")).Series[0].Values.ToArray();
        var training = values[..^entry.Horizon];
        var actual = values[^entry.Horizon..];
        var clock = Stopwatch.StartNew();
        // The template's options with the entry's horizon and season (its transform, window, dropout… as the template has them).
        var options = template with { Horizon = entry.Horizon, Seasons = [entry.Season] };
        using var model = RnnForecastTrainer.Train([new ForecastSeries(entry.Name, training)], options);
        var forecast = model.Forecast(training, entry.Name);
        double seconds = clock.Elapsed.TotalSeconds;
        var filled = FillForScale(training);
        var theta = ThetaMethod.Forecast(filled, entry.Season, entry.Horizon).Select(v => (float)v).ToArray();
        return new Result(entry.Name, ForecastAccuracy.Mase(filled, actual, forecast.Forecast, entry.Season), ForecastAccuracy.Smape(actual, forecast.Forecast),
            ForecastAccuracy.Coverage(actual, forecast), actual.Count(double.IsFinite), seconds, model.Report!.Epochs, model.Report.Window,
            ForecastAccuracy.Mase(filled, actual, theta, entry.Season));
    }

    /// <summary>The MASE scale uses the gap-filled training series, as the baselines' na.interp does.</summary>
    private static double[] FillForScale(double[] training)
    {
        var copy = (double[])training.Clone();
        int last = -1;
        for (int i = 0; i < copy.Length; i++)
        {
            if (!double.IsFinite(copy[i])) continue;
            for (int j = last + 1; j < i; j++) copy[j] = last < 0 ? copy[i] : copy[last] + (copy[i] - copy[last]) * (j - last) / (i - last);
            last = i;
        }
        for (int j = last + 1; j < copy.Length; j++) copy[j] = copy[last];
        return copy;
    }

    public static void WriteCsv(string path, IEnumerable<Result> results) =>
        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes("series,mase,smape,coverage95,points,seconds,epochs,window,theta_mase\n" + string.Concat(results.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.Series},{r.Mase:F4},{r.Smape:F3},{r.Coverage:F3},{r.Points},{r.Seconds:F1},{r.Epochs},{r.Window},{r.ThetaMase:F4}\n")))));
}
