using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RnnOnnx.Cli.Forecasting;
using RnnOnnx.Forecasting;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx bench forecast --panel DIR [--panel DIR2 …] [--synthetic] [--out RESULTS.csv]`: the whole BASELINES.md
/// protocol on our forecaster, panel by panel, next to our Theta method, our ETS and the seasonal naive forecast, with the
/// series we lose and why.
/// </summary>
internal static class BenchForecastCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var panel = new Option<DirectoryInfo[]>("--panel") { Description = "Directory with panel.json and SERIES.csv files (repeat for several panels)", AllowMultipleArgumentsPerToken = true };
        var synthetic = new Option<bool>("--synthetic") { Description = "Add a generated half-hourly load series (seasons 48 and 336, 12 weeks of history, h = 336) as its own panel" };
        var outFile = CliPaths.Output("--out", "Write per-series results as CSV (- = standard output; the table then goes to standard error)");
        var only = new Option<string?>("--series") { Description = "Comma-separated series names (default: all)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed" };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 150, Description = "Most epochs per network" };
        var ensemble = new Option<int>("--ensemble") { DefaultValueFactory = _ => 3, Description = "Networks averaged" };
        var units = new Option<int>("--units") { DefaultValueFactory = _ => 32, Description = "Recurrent units" };
        var method = new Option<ForecastMethodChoice>("--method") { DefaultValueFactory = _ => ForecastMethodChoice.Auto, Description = "auto (the network, blended with exponential smoothing where smoothing was clearly better on the holdout) or network" };
        var maxWindows = new Option<int>("--max-windows") { DefaultValueFactory = _ => new RnnForecastOptions().MaxWindowsPerSeries, Description = "Most training windows per series (spread over the series)" };
        var command = new Command("forecast", "Hold out each panel series' last horizon, train on the rest, report MASE, sMAPE and 95 % interval coverage next to Theta, ETS and the seasonal naive.")
        {
            panel, synthetic, outFile, only, seed, epochs, ensemble, units, maxWindows, method,
        };
        command.SetAction(parse =>
        {
            // With the CSV on standard output, the table goes to standard error.
            var table = CliPaths.IsStandardOutput(parse.GetValue(outFile)) ? error : output;
            var panels = (parse.GetValue(panel) ?? []).Select(d => (Name: d.Name, Dir: d.FullName, Entries: PanelBenchmark.ReadPanel(d.FullName))).ToList();
            if (parse.GetValue(synthetic)) panels.Add(("synthetic", "", [PanelBenchmark.HalfHourly()]));
            if (panels.Count == 0) throw new ArgumentException("Give at least one --panel directory (or --synthetic).");
            if (parse.GetValue(only) is { } names)
            {
                var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                panels = panels.Select(p => p with { Entries = p.Entries.Where(e => wanted.Contains(e.Name)).ToList() }).Where(p => p.Entries.Count > 0).ToList();
                if (panels.Count == 0) throw new ArgumentException($"No series of the panels is named {names}.");
            }
            var template = new RnnForecastOptions { Seed = parse.GetValue(seed), Epochs = parse.GetValue(epochs), EnsembleSize = parse.GetValue(ensemble), Units = parse.GetValue(units), MaxWindowsPerSeries = parse.GetValue(maxWindows), Method = parse.GetValue(method) };
            var clock = Stopwatch.StartNew();
            var all = new List<PanelBenchmark.Result>();
            foreach (var (name, dir, entries) in panels)
            {
                table.WriteLine($"panel {name}");
                table.WriteLine($"{"series",-22} {"MASE",7} {"theta",7} {"snaive",7} {"ets",7} {"sMAPE",7} {"cover95",8} {"method",-11} {"profiles",-9} {"window",6} {"epochs",6} {"seconds",8}");
                var results = new List<PanelBenchmark.Result>();
                foreach (var entry in entries)
                {
                    var r = PanelBenchmark.Run(name, dir, entry, template);
                    results.Add(r);
                    string profiles = r.Profiles.Count > 0 ? string.Join(",", r.Profiles) : "-";
                    table.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Series,-22} {r.Mase,7:F3} {r.ThetaMase,7:F3} {r.SnaiveMase,7:F3} {r.EtsMase,7:F3} {r.Smape,7:F2} {r.Coverage,8:P0} {r.Method.ToString().ToLowerInvariant(),-11} {profiles,-9} {(r.Method is ForecastMethod.Ets or ForecastMethod.Theta ? "-" : r.Window.ToString(CultureInfo.InvariantCulture)),6} {r.Epochs,6} {r.Seconds,8:F1}"));
                }
                table.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"mean",-22} {results.Average(r => r.Mase),7:F3} {results.Average(r => r.ThetaMase),7:F3} {results.Average(r => r.SnaiveMase),7:F3} {results.Average(r => r.EtsMase),7:F3} {results.Average(r => r.Smape),7:F2} {Pooled(results),8:P1}   (coverage over {results.Sum(r => r.Points)} held-out points; {results.Sum(r => r.Seconds):F0} s)"));
                var lost = results.Where(r => r.Mase > r.BestBaseline).ToList();
                table.WriteLine(lost.Count == 0 ? "where we lose: nowhere (each series at least as good as Theta, ETS and the seasonal naive)" : "where we lose:");
                foreach (var r in lost) table.WriteLine("  " + PanelBenchmark.Why(r));
                table.WriteLine();
                all.AddRange(results);
            }
            if (panels.Count > 1)
                table.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all panels: {all.Count} series, pooled 95 % coverage {Pooled(all):P1} over {all.Sum(r => r.Points)} points, {clock.Elapsed.TotalSeconds:F0} s in all"));
            if (parse.GetValue(outFile) is { } path) PanelBenchmark.WriteCsv(path, all);
            return 0;
        });
        return command;
    }

    private static double Pooled(IReadOnlyList<PanelBenchmark.Result> results) => results.Sum(r => r.Coverage * r.Points) / results.Sum(r => r.Points);
}
