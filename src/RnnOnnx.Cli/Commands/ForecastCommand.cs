using System.CommandLine;
using RnnOnnx.Cli.Forecasting;
using RnnOnnx.Cli.Training;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx forecast --input SERIES.csv [--column NAME] [--time-column NAME] [--separator C] --horizon H [--season S]
/// [--out F.csv] [--plot P.png] [--save M.onnx] [--seed N]` (DESIGN §5): trains on the whole series, forecasts the next
/// H points with intervals. The table is read by <see cref="SeriesTable"/> (RFC 4180 quoting, time column and frequency).
/// </summary>
internal static class ForecastCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new Option<string>("--input") { Description = "CSV with a header; empty cells or NaN are missing values", Required = true };
        var column = new Option<string?>("--column") { Description = "Value column (default: the last numeric column)" };
        var timeColumn = new Option<string?>("--time-column") { Description = "Time column (default: the first column whose cells are all dates or times)" };
        var idColumn = new Option<string?>("--id-column") { Description = "Series id column of a long-format table (one series only, for now)" };
        var separator = new Option<char?>("--separator") { Description = "Field separator (default: detected from the header: , ; tab |)" };
        var horizon = new Option<int>("--horizon") { Description = $"Points to forecast (1 to {RnnForecastOptions.MaxHorizon})", Required = true };
        var season = new Option<int>("--season") { Description = "Season length (1 = none; default: detected)" };
        var outFile = CliPaths.Output("--out", "Forecast CSV step[,timestamp],forecast,lower,upper (default and -: standard output)");
        var plot = CliPaths.Output("--plot", "PNG with history, forecast and interval band (- = standard output)");
        var save = CliPaths.Output("--save", "Write the trained ONNX model here (- = standard output)");
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and data give the same forecast", DefaultValueFactory = _ => 0 };
        var confidence = new Option<float>("--confidence") { Description = "Interval coverage", DefaultValueFactory = _ => 0.95f };
        var epochs = new Option<int>("--epochs") { Description = "Most epochs per network", DefaultValueFactory = _ => 150 };
        var ensemble = new Option<int>("--ensemble") { Description = "Networks averaged (seeds)", DefaultValueFactory = _ => 3 };
        var command = new Command("forecast", "Train a recurrent forecaster on one series and forecast the next H points with prediction intervals.")
        {
            input, column, timeColumn, idColumn, separator, horizon, season, outFile, plot, save, seed, confidence, epochs, ensemble,
        };
        command.SetAction(parse =>
        {
            int h = parse.GetValue(horizon);
            if (h <= 0) throw new ArgumentException($"--horizon must be at least 1, got {h}.");
            if (h > RnnForecastOptions.MaxHorizon) throw new ArgumentException($"--horizon must be at most {RnnForecastOptions.MaxHorizon}, got {h}.");
            string? outPath = parse.GetValue(outFile);
            // Only one output may take standard output.
            if (new[] { outPath, parse.GetValue(plot), parse.GetValue(save) }.Count(CliPaths.IsStandardOutput) > 1)
                throw new ArgumentException("Only one of --out, --plot and --save can write to standard output.");
            bool toStdout = outPath is null || outPath == Serialization.AtomicFile.StandardOutput;
            bool stdoutTaken = !toStdout && (CliPaths.IsStandardOutput(outPath) || CliPaths.IsStandardOutput(parse.GetValue(plot)) || CliPaths.IsStandardOutput(parse.GetValue(save)));

            var table = SeriesTable.Read(parse.GetValue(input)!, new SeriesTableOptions
            {
                ValueColumn = parse.GetValue(column), TimeColumn = parse.GetValue(timeColumn), IdColumn = parse.GetValue(idColumn), Separator = parse.GetValue(separator),
            });
            if (table.Series.Count > 1)
                throw new ArgumentException($"'{parse.GetValue(input)}' holds {table.Series.Count} series (ids in column '{table.IdColumn}'); forecast takes one series for now: filter the rows of one id.");
            var series = table.Series[0];
            var values = series.Values.ToArray();

            var options = new RnnForecastOptions
            {
                Horizon = h, Seasons = parse.GetValue(season) is > 0 and var s ? [s] : [], Seed = parse.GetValue(seed), ConfidenceLevel = parse.GetValue(confidence),
                Epochs = parse.GetValue(epochs), EnsembleSize = parse.GetValue(ensemble),
            };
            // The trainer's lines go to standard error unless the forecast itself does; warnings (missing values filled) always do.
            var lines = new PlainProgress(line => { if (!toStdout && !stdoutTaken) error.WriteLine(line); }, message => error.WriteLine("warning: " + message));
            using var model = RnnForecastTrainer.Train([new ForecastSeries(values)], options, new ProgressLines(lines, validation: null));
            var forecast = model.Forecast(values);
            // What was read (column, values, frequency), once it has been used: a failure stays one error line.
            foreach (var note in table.Notes) error.WriteLine(note);
            var times = series.Times is { Count: > 0 } t && series.Frequency is { } frequency
                ? Enumerable.Range(1, h).Select(k => frequency.Advance(t[^1], k)).ToList()
                : null;
            // Outputs last, each atomic: a failure leaves no half-written file.
            if (parse.GetValue(save) is { } savePath) model.Save(savePath);
            if (parse.GetValue(plot) is { } plotPath) ForecastPlot.Write(plotPath, values, forecast, table.ValueColumn, model.ConfidenceLevel);
            if (toStdout) output.Write(ForecastCsv.Format(forecast, times));
            else ForecastCsv.Write(outPath!, forecast, times);
            return 0;
        });
        return command;
    }
}
