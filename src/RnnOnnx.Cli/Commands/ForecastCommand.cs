using System.CommandLine;
using RnnOnnx.Cli.Forecasting;
using RnnOnnx.Cli.Training;
using RnnOnnx.Forecasting;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx forecast --input SERIES.csv [--column NAME] --horizon H [--season S] [--out F.csv] [--plot P.png]
/// [--save M.onnx] [--seed N]` (DESIGN §5): trains on the whole series, forecasts the next H points with intervals.
/// </summary>
internal static class ForecastCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with a header; empty cells or NaN are missing values", Required = true };
        var column = new Option<string?>("--column") { Description = "Value column (default: the last numeric column)" };
        var horizon = new Option<int>("--horizon") { Description = "Points to forecast", Required = true };
        var season = new Option<int>("--season") { Description = "Season length (1 = none; default: detected)" };
        var outFile = new Option<FileInfo?>("--out") { Description = "Forecast CSV step,forecast,lower,upper (default: standard output)" };
        var plot = new Option<FileInfo?>("--plot") { Description = "PNG with history, forecast and interval band" };
        var save = new Option<FileInfo?>("--save") { Description = "Write the trained ONNX model here" };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed and data give the same forecast", DefaultValueFactory = _ => 0 };
        var confidence = new Option<float>("--confidence") { Description = "Interval coverage", DefaultValueFactory = _ => 0.95f };
        var epochs = new Option<int>("--epochs") { Description = "Most epochs per network", DefaultValueFactory = _ => 150 };
        var ensemble = new Option<int>("--ensemble") { Description = "Networks averaged (seeds)", DefaultValueFactory = _ => 3 };
        var command = new Command("forecast", "Train a recurrent forecaster on one series and forecast the next H points with prediction intervals.")
        {
            input, column, horizon, season, outFile, plot, save, seed, confidence, epochs, ensemble,
        };
        command.SetAction(parse =>
        {
            int h = parse.GetValue(horizon);
            if (h <= 0) throw new ArgumentException($"--horizon must be at least 1, got {h}.");
            var values = SeriesCsv.Read(parse.GetValue(input)!.FullName, parse.GetValue(column), out string name);
            var options = new RnnForecastOptions
            {
                Horizon = h, Season = parse.GetValue(season), Seed = parse.GetValue(seed), ConfidenceLevel = parse.GetValue(confidence),
                Epochs = parse.GetValue(epochs), EnsembleSize = parse.GetValue(ensemble),
            };
            bool toStdout = parse.GetValue(outFile) is null;
            // The trainer's lines go to standard error unless the forecast itself does; warnings (missing values filled) always do.
            var lines = new PlainProgress(line => { if (!toStdout) error.WriteLine(line); }, message => error.WriteLine("warning: " + message));
            using var model = RnnForecastTrainer.Train([new ForecastSeries(values)], options, new ProgressLines(lines, validation: null));
            var forecast = model.Forecast(values);
            // Outputs last, each atomic: a failure leaves no half-written file.
            if (parse.GetValue(save) is { } savePath) model.Save(savePath.FullName);
            if (parse.GetValue(plot) is { } plotPath) ForecastPlot.Write(plotPath.FullName, values, forecast, name, model.ConfidenceLevel);
            if (toStdout) output.Write(ForecastCsv.Format(forecast));
            else ForecastCsv.Write(parse.GetValue(outFile)!.FullName, forecast);
            return 0;
        });
        return command;
    }
}
