using System.Globalization;

namespace RnnOnnx.Cli.Tests.Forecasting;

/// <summary>Issue #16's input and output as users have them: dated tables, long-format panels, the CSV layout scripts read.</summary>
public sealed class ForecastPanelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-forecast-panel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Fast = ["--epochs", "3", "--ensemble", "1"];

    private static string Vega(string name) => Repository.File("tests", "data", "vega", name);

    [Fact]
    public void The_plain_layout_scripts_rely_on_is_unchanged()
    {
        // One series, one level, no time column: exactly step,forecast,lower,upper with step 1..H and round-trip floats.
        string csv = Path.Combine(_dir, "v.csv");
        File.WriteAllLines(csv, ["v", .. Enumerable.Range(0, 60).Select(t => (50 + t % 12 + 0.3 * t).ToString(CultureInfo.InvariantCulture))]);
        var (exit, output, error) = CliRunner.Run(["forecast", "--input", csv, "--horizon", "3", "--season", "12", .. Fast]);
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("step,forecast,lower,upper", lines[0]);
        Assert.Equal(4, lines.Length);
        for (int i = 1; i <= 3; i++)
        {
            var cells = lines[i].Split(',');
            Assert.Equal(4, cells.Length);
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.All(cells[1..], c => float.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        Assert.Contains("no time column (rows are consecutive steps)", error, StringComparison.Ordinal);
        Assert.Contains("the series: 60 values", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_format_panel_gets_one_model_and_a_dated_forecast_per_series()
    {
        string outFile = Path.Combine(_dir, "f.csv"), model = Path.Combine(_dir, "m.onnx");
        var (exit, _, error) = CliRunner.Run(["forecast", "--input", Vega("unemployment-across-industries.csv"), "--id-column", "series", "--column", "count",
            "--horizon", "4", "--out", outFile, "--save", model, .. Fast]);
        Assert.True(exit == 0, error);
        var lines = File.ReadAllLines(outFile);
        Assert.Equal("id,step,timestamp,forecast,lower,upper", lines[0]);
        Assert.Equal(1 + 3 * 4, lines.Length);
        Assert.Equal(["Construction", "Finance", "Leisure and hospitality"], lines[1..].Select(l => l.Split(',')[0]).Distinct());
        // The data ends 2009-12: the forecast continues monthly from there, dates only.
        Assert.Equal(["2010-01-01", "2010-02-01", "2010-03-01", "2010-04-01"], lines[1..5].Select(l => l.Split(',')[2]));
        Assert.Contains("series ids from 'series'", error, StringComparison.Ordinal);
        Assert.Contains("series 'Leisure and hospitality': 36 values, monthly", error, StringComparison.Ordinal);
        Assert.Contains("season 12 from the monthly timestamps", error, StringComparison.Ordinal);
        Assert.Matches(@"series forecast: (3 by the network|.*\(.*'.*'\))", error);
        // One model knows all three series.
        using var trained = RnnOnnx.Forecasting.RnnForecastModel.Load(model);
        Assert.Equal(["Construction", "Finance", "Leisure and hospitality"], trained.SeriesKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_panel_with_a_three_point_series_forecasts_it_too_and_says_how()
    {
        string csv = Path.Combine(_dir, "short.csv");
        var rows = Enumerable.Range(0, 60).Select(t => $"long,{new DateTime(2020, 1, 1).AddMonths(t):yyyy-MM},{100 + t + 10 * Math.Sin(t / 2.0):F2}")
            .Concat(Enumerable.Range(0, 3).Select(t => $"tiny,{new DateTime(2024, 10, 1).AddMonths(t):yyyy-MM},{5 + t}"));
        File.WriteAllLines(csv, ["id,month,v", .. rows]);
        var (exit, output, error) = CliRunner.Run(["forecast", "--input", csv, "--id-column", "id", "--horizon", "12", .. Fast]);
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 2 * 12, lines.Length);
        Assert.Equal("tiny,1,2025-01-01", string.Join(',', lines[13].Split(',')[..3]));
        // 'tiny' is too short for the network ('long' may join it if smoothing beat the network on its holdout).
        Assert.Matches(@"series forecast: .*\d by exponential smoothing \(ETS\) \([^)]*'tiny'", error);
    }

    [Fact]
    public void A_season_list_reaches_the_model_and_overrides_the_frequencys()
    {
        string model = Path.Combine(_dir, "m.onnx");
        var (exit, _, error) = CliRunner.Run(["forecast", "--input", Vega("seattle-weather-hourly-normals.csv"), "--horizon", "2", "--season", "6,24",
            "--save", model, "--out", Path.Combine(_dir, "f.csv"), .. Fast]);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("from the hourly timestamps", error, StringComparison.Ordinal);
        using var trained = RnnOnnx.Forecasting.RnnForecastModel.Load(model);
        Assert.Equal([6, 24], trained.Seasons);
    }

    [Fact]
    public void Hourly_data_gets_date_time_stamps()
    {
        var (exit, output, error) = CliRunner.Run(["forecast", "--input", Vega("seattle-weather-hourly-normals.csv"), "--horizon", "2", .. Fast]);
        Assert.True(exit == 0, error);
        Assert.StartsWith("step,timestamp,forecast,lower,upper\n1,2010-01-08T01:00:00,", output, StringComparison.Ordinal);
        Assert.Contains("\n2,2010-01-08T02:00:00,", output, StringComparison.Ordinal);
        Assert.Contains("season 24 from the hourly timestamps", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(";", ";")]
    [InlineData("tab", "\t")]
    public void A_named_separator_reads_a_bom_crlf_file_with_quoted_cells(string option, string separator)
    {
        string csv = Path.Combine(_dir, "s.csv");
        var rows = Enumerable.Range(0, 30).Select(t => $"\"{new DateTime(2020, 1, 1).AddDays(t):yyyy-MM-dd}\"{separator}\"note{separator} {t}\"{separator}{10 + t % 7}");
        File.WriteAllText(csv, "\uFEFF" + string.Join("\r\n", rows.Prepend($"day{separator}note{separator}value")) + "\r\n");
        var (exit, output, error) = CliRunner.Run(["forecast", "--input", csv, "--separator", option, "--horizon", "1", .. Fast]);
        Assert.True(exit == 0, error);
        Assert.Contains("values from column 'value', times from 'day'", error, StringComparison.Ordinal);
        Assert.Contains("the series: 30 values, daily", error, StringComparison.Ordinal);
        Assert.StartsWith("step,timestamp,forecast,lower,upper\n1,2020-01-31,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_with_separators_are_quoted_in_the_output()
    {
        string csv = Path.Combine(_dir, "q.csv");
        var rows = Enumerable.Range(0, 30).SelectMany(t => new[] { $"\"Paris, FR\",{t},{10 + t % 7}", $"Oslo,{t},{20 + t % 5}" });
        File.WriteAllLines(csv, ["city,t,v", .. rows]);
        var (exit, output, error) = CliRunner.Run(["forecast", "--input", csv, "--id-column", "city", "--column", "v", "--horizon", "1", "--season", "7", .. Fast]);
        Assert.True(exit == 0, error);
        Assert.Contains("\n\"Paris, FR\",1,", output, StringComparison.Ordinal);
        Assert.Contains("\nOslo,1,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plot_of_a_panel_has_a_panel_per_series_up_to_twelve_and_says_what_was_left_out()
    {
        string csv = Path.Combine(_dir, "many.csv"), png = Path.Combine(_dir, "p.png");
        var rows = Enumerable.Range(0, 14).SelectMany(s => Enumerable.Range(0, 24).Select(t => $"s{s},{new DateTime(2020, 1, 1).AddDays(t):yyyy-MM-dd},{s + t % 7 + 0.1 * t}"));
        File.WriteAllLines(csv, ["id,day,v", .. rows]);
        var (exit, _, error) = CliRunner.Run(["forecast", "--input", csv, "--id-column", "id", "--horizon", "2", "--plot", png, "--out", Path.Combine(_dir, "f.csv"), .. Fast]);
        Assert.True(exit == 0, error);
        Assert.Contains("plot: the first 12 of 14 series (2 left out of the plot, not of the CSV)", error, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        // Three columns of 760 px by four rows of 340 px: the panels' grid.
        Assert.Equal(3 * 760, ReadInt(bytes, 16));
        Assert.Equal(4 * 340, ReadInt(bytes, 20));
        Assert.Equal(1 + 14 * 2, File.ReadAllLines(Path.Combine(_dir, "f.csv")).Length);
    }

    /// <summary>A big-endian int of the PNG's IHDR chunk (width at 16, height at 20).</summary>
    private static int ReadInt(byte[] b, int at) => b[at] << 24 | b[at + 1] << 16 | b[at + 2] << 8 | b[at + 3];
}
