using System.Globalization;
using RnnOnnx.Cli.Forecasting;

namespace RnnOnnx.Cli.Tests.Forecasting;

/// <summary>`rnnonnx bench forecast` over several panels: per-series comparison, method used, where we lose.</summary>
public sealed class BenchForecastCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Panel(string name, string json, params (string Name, int N)[] series)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "panel.json"), json);
        foreach (var (file, n) in series)
            File.WriteAllLines(Path.Combine(dir, file + ".csv"), Enumerable.Range(0, n).Select(t =>
                $"{t},{(100 + t + 10 * Math.Sin(2 * Math.PI * t / 12) + t * 7919 % 13 / 4.0).ToString("R", CultureInfo.InvariantCulture)}").Prepend("t,value"));
        return dir;
    }

    [Fact]
    public void Covers_several_panels_says_the_method_and_where_we_lose_and_writes_csv()
    {
        string longPanel = Panel("long", """[{"name": "seasonal", "season": 12, "horizon": 6}]""", ("seasonal", 110));
        string shortPanel = Panel("short", """[{"name": "tiny", "season": [4, 12], "horizon": 12}]""", ("tiny", 30));
        string csv = Path.Combine(_dir, "results.csv");
        var (exit, output, error) = CliRunner.Run("bench", "forecast", "--panel", longPanel, shortPanel, "--epochs", "3", "--ensemble", "1", "--out", csv);
        Assert.True(exit == 0, error);
        Assert.Contains("panel long", output, StringComparison.Ordinal);
        Assert.Contains("panel short", output, StringComparison.Ordinal);
        Assert.Contains("where we lose", output, StringComparison.Ordinal);
        Assert.Contains("all panels: 2 series", output, StringComparison.Ordinal);
        var rows = File.ReadAllLines(csv);
        Assert.StartsWith("panel,series,mase,smape,coverage95,points,seconds,epochs,window,theta_mase,snaive_mase,ets_mase,method,profiles", rows[0], StringComparison.Ordinal);
        // The 30-point series at horizon 12 is too short for the network: exponential smoothing forecasts it, and the bench says so.
        var tiny = rows.Single(r => r.StartsWith("short,tiny,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("ets", tiny[12]);
        // The long one trains the network, which keeps it unless smoothing was clearly better on the holdout.
        Assert.Contains(rows.Single(r => r.StartsWith("long,seasonal,", StringComparison.Ordinal)).Split(',')[12], new[] { "network", "ets" });
        Assert.All(rows.Skip(1), r => Assert.True(double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture) is > 0 and < 50));
        Assert.All(rows.Skip(1), r => Assert.True(double.Parse(r.Split(',')[11], CultureInfo.InvariantCulture) is > 0 and < 50));
    }

    [Fact]
    public void No_panel_is_refused()
    {
        var (exit, _, error) = CliRunner.Run("bench", "forecast");
        Assert.NotEqual(0, exit);
        Assert.Contains("--panel", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_synthetic_half_hourly_series_has_daily_and_weekly_seasons_and_is_deterministic()
    {
        var a = PanelBenchmark.HalfHourly(0);
        Assert.Equal([48, 336], a.Seasons);
        Assert.Equal(336, a.Horizon);
        Assert.Equal(13 * 336, a.Values!.Length);
        Assert.Equal(a.Values, PanelBenchmark.HalfHourly(0).Values);
        Assert.NotEqual(a.Values, PanelBenchmark.HalfHourly(1).Values);
        // Weekday evenings peak above the nights by far more than the noise.
        double evening = a.Values.Where((v, t) => t % 48 == 38).Average(), night = a.Values.Where((v, t) => t % 48 == 7).Average();
        Assert.True(evening > 1.3 * night, $"evening {evening}, night {night}");
    }
}
