using System.CommandLine;
using RnnOnnx.Cli.Forecasting;
using RnnOnnx.Cli.Training;
using RnnOnnx.Forecasting;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx forecast --input SERIES.csv [--column NAME] [--time-column NAME] [--id-column NAME] [--separator C]
/// --horizon H [--season S[,S2]] [--level L[,L2]] [--out F.csv] [--plot P.png] [--save M.onnx] [--seed N]` (DESIGN §5):
/// trains one model on every series of the table and forecasts the next H points of each with intervals; the table
/// is read by <see cref="Forecasting.Data.SeriesTable"/> (RFC 4180, time column and frequency, long-format panels).
/// `rnnonnx forecast cv` backtests the same input (<see cref="ForecastCvCommand"/>).
/// </summary>
internal static class ForecastCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new ForecastInput();
        var horizon = new Option<int>("--horizon") { Description = $"Points to forecast (1 to {RnnForecastOptions.MaxHorizon})", Required = true };
        var outFile = CliPaths.Output("--out", "Forecast CSV [id,]step[,timestamp],forecast,lower,upper (lower_80,upper_80,… with several levels; default and -: standard output)");
        var plot = CliPaths.Output("--plot", $"PNG with history, forecast and interval bands, one panel per series (up to {ForecastPlot.MaxPanels}; - = standard output)");
        var save = CliPaths.Output("--save", "Write the trained ONNX model here (- = standard output)");
        var command = new Command("forecast", "Train a recurrent forecaster on the series of a table (one, or a long-format panel) and forecast the next H points of each with prediction intervals.");
        foreach (var option in input.All) command.Options.Add(option);
        command.Options.Add(horizon);
        command.Options.Add(outFile);
        command.Options.Add(plot);
        command.Options.Add(save);
        command.Subcommands.Add(ForecastCvCommand.Create(output, error));
        command.SetAction(parse =>
        {
            int h = CheckHorizon(parse.GetValue(horizon));
            string? outPath = parse.GetValue(outFile);
            // Only one output may take standard output.
            if (new[] { outPath, parse.GetValue(plot), parse.GetValue(save) }.Count(CliPaths.IsStandardOutput) > 1)
                throw new ArgumentException("Only one of --out, --plot and --save can write to standard output.");
            bool toStdout = outPath is null || outPath == Serialization.AtomicFile.StandardOutput;
            bool stdoutTaken = !toStdout && (CliPaths.IsStandardOutput(outPath) || CliPaths.IsStandardOutput(parse.GetValue(plot)) || CliPaths.IsStandardOutput(parse.GetValue(save)));

            var levels = input.Levels(parse);
            var table = input.ReadTable(parse);
            var seasons = input.Seasons(parse, table, out string? seasonNote);
            var options = input.Training(parse, h, seasons, levels);
            // The trainer's lines go to standard error unless the forecast itself does; warnings (missing values filled) always do.
            var lines = new PlainProgress(line => { if (!toStdout && !stdoutTaken) error.WriteLine(line); }, message => error.WriteLine("warning: " + message));
            using var model = RnnForecastTrainer.Train(table.Series.Select(s => new ForecastSeries(s.Id, s.Values)).ToList(), options, new ProgressLines(lines, validation: null));
            var forecasts = model.ForecastBatch(table.Series.Select(s => model.PrepareInput(s.Values, s.Id)).ToList(), levels);
            var results = table.Series.Select((s, i) => new SeriesForecast(s.Id, s.Values, s.Times, s.Frequency, forecasts[i])).ToList();
            // What was read (columns, values per series, frequency), once it has been used: a failure stays one error line.
            foreach (var note in table.Notes) error.WriteLine(note);
            if (seasonNote is not null) error.WriteLine(seasonNote);
            error.WriteLine(Methods(model, table.Series.Select(s => s.Id).ToList()));
            // Outputs last, each atomic: a failure leaves no half-written file.
            if (parse.GetValue(save) is { } savePath) model.Save(savePath);
            if (parse.GetValue(plot) is { } plotPath)
            {
                int left = ForecastPlot.Write(plotPath, results, table.ValueColumn, levels);
                if (left > 0) error.WriteLine($"plot: the first {ForecastPlot.MaxPanels} of {results.Count} series ({left} left out of the plot, not of the CSV)");
            }
            bool withId = table.IdColumn is not null;
            if (toStdout) output.Write(ForecastCsv.Format(results, withId, levels));
            else ForecastCsv.Write(outPath!, results, withId, levels);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// How the series were forecast (the network, or exponential smoothing for series too short for it or where it
    /// was clearly better on the holdout), always on
    /// stderr: the trainer's own lines are hidden when the forecast takes standard output.
    /// </summary>
    internal static string Methods(RnnForecastModel model, IReadOnlyList<string> ids)
    {
        static string Name(ForecastMethod m) => m switch
        {
            ForecastMethod.Network => "the network",
            ForecastMethod.Ets => "exponential smoothing (ETS)",
            ForecastMethod.Blend => "the network blended with exponential smoothing",
            _ => "the Theta method",
        };
        string Why(string id) => model.MethodOf(id) switch
        {
            ForecastMethod.Network => "",
            ForecastMethod.Blend => ": smoothing was clearly better on the held-out last horizon",
            _ => ": too short for the network",
        };
        if (ids.Count == 1) return $"forecast by {Name(model.MethodOf(ids[0]))}{Why(ids[0])}";
        var groups = ids.GroupBy(model.MethodOf).OrderBy(g => g.Key).Select(g =>
            $"{g.Count()} by {Name(g.Key)}" + (g.Key == ForecastMethod.Network ? "" : $" ({string.Join(", ", g.Take(5).Select(id => $"'{(id.Length <= 40 ? id : id[..40] + "…")}'"))}{(g.Count() > 5 ? ", …" : "")})"));
        return $"series forecast: {string.Join("; ", groups)}";
    }

    /// <summary>The horizon, or the error naming the option and its range.</summary>
    internal static int CheckHorizon(int h)
    {
        if (h <= 0) throw new ArgumentException($"--horizon must be at least 1, got {h}.");
        if (h > RnnForecastOptions.MaxHorizon) throw new ArgumentException($"--horizon must be at most {RnnForecastOptions.MaxHorizon}, got {h}.");
        return h;
    }
}
