using System.CommandLine;
using System.Globalization;
using System.Text;
using RnnOnnx.Cli.Forecasting;
using RnnOnnx.Cli.Training;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;
using RnnOnnx.Forecasting.Evaluation;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx forecast cv --input SERIES.csv --windows K --horizon H [--step S] [--out CV.csv]` plus forecast's input
/// options: rolling-origin cross-validation (<see cref="ForecastCrossValidation"/>) on the user's own table. The
/// summary (per window and overall: MASE, sMAPE, coverage; seasonal naive, Theta and ETS alongside) goes to standard
/// output, the per-point CSV to --out; with --out - the CSV takes standard output and the summary standard error.
/// </summary>
internal static class ForecastCvCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new ForecastInput();
        var horizon = new Option<int>("--horizon") { Description = $"Points forecast from each cutoff (1 to {RnnForecastOptions.MaxHorizon})", Required = true };
        var windows = new Option<int>("--windows") { Description = "Cutoffs (K): each trains a model, so time grows with K — lower --epochs and --ensemble to bound it", Required = true };
        var step = new Option<int?>("--step") { Description = "Points between cutoffs (default: the horizon, windows side by side)" };
        var outFile = CliPaths.Output("--out", "Per-point CSV [id,]cutoff,step[,timestamp],actual,forecast,lower,upper,snaive,theta,ets (- = standard output)");
        var command = new Command("cv",
            "Rolling-origin cross-validation on your own table (statsforecast's cross_validation): for each of K cutoffs n−H−(K−1)·S … n−H, " +
            "train on the data up to the cutoff and forecast H points; prints MASE, sMAPE and interval coverage per window and overall, next to " +
            "the seasonal naive, Theta and ETS baselines. Trains K models: time is K times a forecast's.");
        foreach (var option in input.All) command.Options.Add(option);
        command.Options.Add(horizon);
        command.Options.Add(windows);
        command.Options.Add(step);
        command.Options.Add(outFile);
        command.SetAction(parse =>
        {
            int h = ForecastCommand.CheckHorizon(parse.GetValue(horizon));
            int k = parse.GetValue(windows);
            if (k < 1) throw new ArgumentException($"--windows must be at least 1, got {k}.");
            int? s = parse.GetValue(step);
            if (s is < 1) throw new ArgumentException($"--step must be at least 1, got {s}.");
            string? outPath = parse.GetValue(outFile);
            bool csvToStdout = CliPaths.IsStandardOutput(outPath);
            var summary = csvToStdout ? error : output;

            var levels = input.Levels(parse);
            var table = input.ReadTable(parse);
            var seasons = input.Seasons(parse, table, out string? seasonNote);
            var options = input.Training(parse, h, seasons, levels);
            var lines = new PlainProgress(error.WriteLine, message => error.WriteLine("warning: " + message));
            var result = ForecastCrossValidation.Run(table.Series.Select(x => new ForecastSeries(x.Id, x.Values)).ToList(), options, k, s ?? 0,
                levels, new ProgressLines(lines, validation: null));
            foreach (var note in table.Notes) error.WriteLine(note);
            if (seasonNote is not null) error.WriteLine(seasonNote);
            // The CSV first (atomic): a failure to write it leaves no summary claiming success.
            if (outPath is not null)
            {
                string csv = Csv(result, table);
                if (csvToStdout) output.Write(csv);
                else Serialization.AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(csv));
            }
            summary.Write(Summary(result, table));
            return 0;
        });
        return command;
    }

    /// <summary>The summary table: one row per window and one overall, the model's scores then the baselines'.</summary>
    internal static string Summary(CrossValidationResult result, SeriesTable table)
    {
        var text = new StringBuilder();
        int n = table.Series.Count;
        text.Append(CultureInfo.InvariantCulture, $"cross-validation: {result.Windows.Count} window(s) of {result.Horizon} point(s), {result.Step} apart, ")
            .Append(CultureInfo.InvariantCulture, $"{n} series; season {result.Season} for the baselines and MASE\n");
        var coverage = result.Levels.Select(l => $"cover{ForecastCsv.Percent(l)}").ToList();
        var header = new List<string> { "window", "cutoff", "MASE", "sMAPE" };
        header.AddRange(coverage);
        header.AddRange(["snaive_MASE", "snaive_sMAPE", "theta_MASE", "theta_sMAPE", "ets_MASE", "ets_sMAPE"]);
        var rows = new List<string[]> { header.ToArray() };
        foreach (var w in result.Windows.Append(result.Overall))
        {
            // A single series' cutoff is a time (or index); a panel's cutoffs differ per series, so say how much is held out.
            string cutoff = w.Window == 0 ? "" : n == 1 ? Cutoff(result.Points.First(p => p.Window == w.Window).Cutoff, table.Series[0])
                : $"n-{result.Horizon + (result.Windows.Count - w.Window) * result.Step}";
            var row = new List<string> { w.Window == 0 ? "overall" : w.Window.ToString(CultureInfo.InvariantCulture), cutoff, F(w.Model.Mase), F(w.Model.Smape, 2) };
            row.AddRange(w.Model.Coverage.Select(c => double.IsNaN(c) ? "-" : (100 * c).ToString("F1", CultureInfo.InvariantCulture) + "%"));
            row.AddRange([F(w.SeasonalNaive.Mase), F(w.SeasonalNaive.Smape, 2), F(w.Theta.Mase), F(w.Theta.Smape, 2), F(w.Ets.Mase), F(w.Ets.Smape, 2)]);
            rows.Add(row.ToArray());
        }
        var widths = Enumerable.Range(0, header.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            text.Append(string.Join("  ", row.Select((cell, c) => c <= 1 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd()).Append('\n');
        return text.ToString();
    }

    /// <summary>The per-point CSV: [id,]cutoff,step[,timestamp],actual,forecast,bounds…,snaive,theta,ets; cutoff is the last training time (or its 1-based index).</summary>
    internal static string Csv(CrossValidationResult result, SeriesTable table)
    {
        bool withId = table.IdColumn is not null, withTime = table.TimeColumn is not null;
        var byId = table.Series.ToDictionary(x => x.Id, StringComparer.Ordinal);
        var text = new StringBuilder(withId ? "id," : "");
        text.Append(withTime ? "cutoff,step,timestamp,actual,forecast" : "cutoff,step,actual,forecast");
        foreach (var level in result.Levels) text.Append(',').Append(ForecastCsv.BoundNames(level, result.Levels.Count));
        text.Append(",snaive,theta,ets\n");
        foreach (var p in result.Points)
        {
            var series = byId[p.Key];
            if (withId) text.Append(ForecastCsv.Cell(p.Key)).Append(',');
            text.Append(Cutoff(p.Cutoff, series)).Append(CultureInfo.InvariantCulture, $",{p.Step},");
            if (withTime) text.Append(series.Frequency!.Format(series.Times![p.Cutoff + p.Step - 1])).Append(',');
            text.Append(double.IsFinite(p.Actual) ? p.Actual.ToString("R", CultureInfo.InvariantCulture) : "")
                .Append(CultureInfo.InvariantCulture, $",{p.Forecast:R}");
            for (int j = 0; j < result.Levels.Count; j++) text.Append(CultureInfo.InvariantCulture, $",{p.Lower[j]:R},{p.Upper[j]:R}");
            text.Append(CultureInfo.InvariantCulture, $",{p.SeasonalNaive:R},{p.Theta:R},{p.Ets:R}\n");
        }
        return text.ToString();
    }

    private static string Cutoff(int cutoff, TableSeries series) =>
        series.Times is { } times ? series.Frequency!.Format(times[cutoff - 1]) : cutoff.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, int decimals = 3) => double.IsNaN(value) ? "-" : value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
