using System.Globalization;

namespace RnnOnnx.Cli.Tests.Forecasting;

/// <summary>`rnnonnx forecast cv`: rolling-origin cross-validation on the user's own file.</summary>
public sealed class ForecastCvCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-forecast-cv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Fast = ["--epochs", "3", "--ensemble", "1"];

    private static string Vega(string name) => Repository.File("tests", "data", "vega", name);

    [Fact]
    public void A_dated_series_prints_windows_and_overall_and_writes_the_points()
    {
        string outFile = Path.Combine(_dir, "cv.csv");
        var (exit, output, error) = CliRunner.Run(["forecast", "cv", "--input", Vega("us-employment.csv"), "--column", "construction",
            "--windows", "3", "--horizon", "6", "--step", "4", "--out", outFile, .. Fast]);
        Assert.True(exit == 0, error);
        var summary = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cross-validation: 3 window(s) of 6 point(s), 4 apart, 1 series; season 12", summary[0], StringComparison.Ordinal);
        Assert.Matches(@"^window\s+cutoff\s+MASE\s+sMAPE\s+cover95\s+snaive_MASE\s+snaive_sMAPE\s+theta_MASE\s+theta_sMAPE\s+ets_MASE\s+ets_sMAPE$", summary[1]);
        // 120 months ending 2015-12: cutoffs n − 6 − 8, n − 6 − 4, n − 6 → 2014-10, 2015-02, 2015-06.
        Assert.Matches(@"^1\s+2014-10-01\s", summary[2]);
        Assert.Matches(@"^3\s+2015-06-01\s", summary[4]);
        Assert.StartsWith("overall", summary[5], StringComparison.Ordinal);

        var lines = File.ReadAllLines(outFile);
        Assert.Equal("cutoff,step,timestamp,actual,forecast,lower,upper,snaive,theta,ets", lines[0]);
        Assert.Equal(1 + 3 * 6, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(["2014-10-01", "1", "2014-11-01"], first[..3]);
        var data = File.ReadAllLines(Vega("us-employment.csv"));
        Assert.Equal(data.Single(l => l.StartsWith("2014-11-01", StringComparison.Ordinal)).Split(',')[2], first[3]);
        // The seasonal naive forecast of 2014-11 is 2013-11's value.
        Assert.Equal(data.Single(l => l.StartsWith("2013-11-01", StringComparison.Ordinal)).Split(',')[2], first[7]);
        Assert.Contains("window 3/3: training on all but the last 6 point(s)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_panel_is_cross_validated_per_series_with_the_id_first_and_the_csv_can_take_stdout()
    {
        var (exit, output, error) = CliRunner.Run(["forecast", "cv", "--input", Vega("unemployment-across-industries.csv"), "--id-column", "series", "--column", "rate",
            "--windows", "2", "--horizon", "3", "--level", "80,95", "--out", "-", .. Fast]);
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,cutoff,step,timestamp,actual,forecast,lower_80,upper_80,lower_95,upper_95,snaive,theta,ets", lines[0], StringComparison.Ordinal);
        Assert.Equal(1 + 2 * 3 * 3, lines.Length);
        // The summary goes to standard error when the CSV takes standard output.
        Assert.Contains("cross-validation: 2 window(s) of 3 point(s), 3 apart, 3 series", error, StringComparison.Ordinal);
        Assert.Matches(@"\n1\s+n-6\s", error);
    }

    [Fact]
    public void Without_a_time_column_the_cutoff_is_the_training_length()
    {
        string csv = Path.Combine(_dir, "v.csv");
        File.WriteAllLines(csv, ["v", .. Enumerable.Range(0, 40).Select(t => (20 + t % 4 + 0.5 * t).ToString(CultureInfo.InvariantCulture))]);
        string outFile = Path.Combine(_dir, "cv.csv");
        var (exit, _, error) = CliRunner.Run(["forecast", "cv", "--input", csv, "--windows", "2", "--horizon", "2", "--season", "4", "--out", outFile, .. Fast]);
        Assert.True(exit == 0, error);
        var lines = File.ReadAllLines(outFile);
        Assert.Equal("cutoff,step,actual,forecast,lower,upper,snaive,theta,ets", lines[0]);
        Assert.Equal(["36", "36", "38", "38"], lines[1..].Select(l => l.Split(',')[0]));
    }
}
