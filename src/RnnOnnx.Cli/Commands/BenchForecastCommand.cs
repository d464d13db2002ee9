using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RnnOnnx.Cli.Forecasting;
using RnnOnnx.Forecasting;

namespace RnnOnnx.Cli.Commands;

/// <summary>`rnnonnx bench forecast --panel DIR [--out RESULTS.csv]`: the whole BASELINES.md protocol on our forecaster.</summary>
internal static class BenchForecastCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var panel = new Option<DirectoryInfo>("--panel") { Description = "Directory with panel.json and SERIES.csv files", Required = true };
        var outFile = CliPaths.Output("--out", "Write per-series results as CSV (- = standard output; the table then goes to standard error)");
        var only = new Option<string?>("--series") { Description = "Comma-separated series names (default: all)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed" };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 150, Description = "Most epochs per network" };
        var ensemble = new Option<int>("--ensemble") { DefaultValueFactory = _ => 3, Description = "Networks averaged" };
        var units = new Option<int>("--units") { DefaultValueFactory = _ => 32, Description = "Recurrent units" };
        var maxWindows = new Option<int>("--max-windows") { DefaultValueFactory = _ => new RnnForecastOptions().MaxWindowsPerSeries, Description = "Most training windows per series (the latest)" };
        var command = new Command("forecast", "Hold out each panel series' last horizon, train on the rest, report MASE, sMAPE and 95 % interval coverage.")
        {
            panel, outFile, only, seed, epochs, ensemble, units, maxWindows,
        };
        command.SetAction(parse =>
        {
            // With the CSV on standard output, the table goes to standard error.
            var table = CliPaths.IsStandardOutput(parse.GetValue(outFile)) ? error : output;
            string dir = parse.GetValue(panel)!.FullName;
            var entries = PanelBenchmark.ReadPanel(dir);
            if (parse.GetValue(only) is { } names)
            {
                var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                entries = entries.Where(e => wanted.Contains(e.Name)).ToList();
                if (entries.Count == 0) throw new ArgumentException($"No series of the panel is named {names}.");
            }
            var template = new RnnForecastOptions { Seed = parse.GetValue(seed), Epochs = parse.GetValue(epochs), EnsembleSize = parse.GetValue(ensemble), Units = parse.GetValue(units), MaxWindowsPerSeries = parse.GetValue(maxWindows) };
            var clock = Stopwatch.StartNew();
            var results = new List<PanelBenchmark.Result>();
            table.WriteLine($"{"series",-16} {"MASE",7} {"sMAPE",7} {"cover95",8} {"window",6} {"epochs",6} {"seconds",8} {"theta",7}");
            foreach (var entry in entries)
            {
                var r = PanelBenchmark.Run(dir, entry, template);
                results.Add(r);
                table.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Series,-16} {r.Mase,7:F3} {r.Smape,7:F2} {r.Coverage,8:P0} {r.Window,6} {r.Epochs,6} {r.Seconds,8:F1} {r.ThetaMase,7:F3}"));
            }
            double coverage = results.Sum(r => r.Coverage * r.Points) / results.Sum(r => r.Points);
            table.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"mean",-16} {results.Average(r => r.Mase),7:F3} {results.Average(r => r.Smape),7:F2} {coverage,8:P1}   (theta {results.Average(r => r.ThetaMase):F3}; coverage over all {results.Sum(r => r.Points)} held-out points; {clock.Elapsed.TotalSeconds:F0} s in all)"));
            if (parse.GetValue(outFile) is { } path) PanelBenchmark.WriteCsv(path, results);
            return 0;
        });
        return command;
    }
}
