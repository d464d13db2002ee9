using static RnnOnnx.Cli.Tests.CliRunner;
using static RnnOnnx.Cli.Tests.Faults.FaultAssert;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>Issue #16's bad input for forecast and forecast cv: exit 1, one line naming file, column, row or value, nothing written.</summary>
public sealed class ForecastInputFaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-faults-fc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Csv(string name, params string[] lines)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string[] Days(int n, string id = "", int from = 0) =>
        Enumerable.Range(from, n).Select(t => $"{id}{new DateTime(2021, 1, 1).AddDays(t):yyyy-MM-dd},{10 + t % 7}").ToArray();

    /// <summary>Runs forecast with every output asked for, then checks none was written.</summary>
    private void RefusedWritingNothing(string[] args, params string[] mentions)
    {
        string outFile = Path.Combine(_folder, "out.csv"), plot = Path.Combine(_folder, "plot.png"), model = Path.Combine(_folder, "m.onnx");
        Refused(Run([.. args, "--out", outFile, "--plot", plot, "--save", model, "--epochs", "2", "--ensemble", "1"]), mentions);
        Assert.DoesNotContain(Directory.GetFiles(_folder), f => !f.EndsWith(".csv", StringComparison.Ordinal) || f == outFile);
    }

    [Fact]
    public void An_unparseable_timestamp_names_file_line_column_and_cell()
    {
        var rows = Days(20);
        rows[11] = "2021-13-45,3";
        string csv = Csv("bad-time.csv", ["day,v", .. rows]);
        RefusedWritingNothing(["forecast", "--input", csv, "--time-column", "day", "--horizon", "2"], "bad-time.csv", "line 13", "column 'day'", "'2021-13-45' is not a date or time");
    }

    [Fact]
    public void Mixed_frequencies_in_one_series_are_named()
    {
        string csv = Csv("mixed.csv", "t,v", "2021-01-01 00:00,1", "2021-01-01 01:00,2", "2021-01-01 02:00,3", "2021-01-01 02:40,4");
        RefusedWritingNothing(["forecast", "--input", csv, "--horizon", "2"], "mixed.csv", "no single frequency", "01:00:00", "00:40:00");
    }

    [Fact]
    public void A_one_point_series_in_a_panel_is_named_with_its_line()
    {
        string csv = Csv("panel.csv", ["id,day,v", .. Days(10, "a,"), "b,2021-01-01,4"]);
        RefusedWritingNothing(["forecast", "--input", csv, "--id-column", "id", "--horizon", "2"], "panel.csv", "series 'b' has 1 row(s) (line 12)", "at least 3 values");
    }

    [Fact]
    public void A_panel_mixing_frequencies_names_both_series()
    {
        var monthly = Enumerable.Range(0, 6).Select(m => $"m,2021-{m + 1:00}-01,{m}");
        string csv = Csv("two.csv", ["id,day,v", .. Days(10, "d,"), .. monthly]);
        RefusedWritingNothing(["forecast", "--input", csv, "--id-column", "id", "--horizon", "2"], "two.csv", "series 'd' is daily but series 'm' is monthly");
    }

    [Fact]
    public void Duplicate_timestamps_name_both_lines()
    {
        string csv = Csv("dup.csv", ["day,v", .. Days(5), "2021-01-03,9"]);
        RefusedWritingNothing(["forecast", "--input", csv, "--horizon", "2"], "dup.csv", "2021-01-03T00:00:00 twice", "lines 4 and 7");
    }

    [Fact]
    public void A_separator_that_yields_one_column_is_named()
    {
        string csv = Csv("comma.csv", ["day,v", .. Days(20)]);
        RefusedWritingNothing(["forecast", "--input", csv, "--separator", ";", "--horizon", "2"], "comma.csv", "separator ';' leaves the header as one column", "'day,v'");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("-5")]
    [InlineData("95,abc")]
    [InlineData("0.95e3")]
    public void A_level_outside_0_to_100_is_named(string level)
    {
        string csv = Csv("ok.csv", ["day,v", .. Days(30)]);
        RefusedWritingNothing(["forecast", "--input", csv, "--horizon", "2", "--level", level], "--level", "between 0 and 100 exclusive");
    }

    [Fact]
    public void A_repeated_level_is_named() =>
        Refused(Run("forecast", "--input", Csv("ok.csv", ["day,v", .. Days(30)]), "--horizon", "2", "--level", "95,95"), "--level: 95 is listed twice");

    [Theory]
    [InlineData("0", "--season: '0' is not a whole number ≥ 1")]
    [InlineData("12,x", "--season: 'x' is not a whole number ≥ 1")]
    [InlineData("1,7", "1 means no season")]
    public void A_bad_season_list_is_named(string season, string message) =>
        Refused(Run("forecast", "--input", Csv("ok.csv", ["day,v", .. Days(30)]), "--horizon", "2", "--season", season), message);

    [Theory]
    [InlineData(new[] { "--windows", "4", "--horizon", "7" }, "the series has 30 values", "3 + 7 + (4 − 1) × 7 = 31")]
    [InlineData(new[] { "--windows", "3", "--horizon", "5", "--step", "12" }, "3 + 5 + (3 − 1) × 12 = 32")]
    [InlineData(new[] { "--windows", "0", "--horizon", "5" }, "--windows must be at least 1, got 0")]
    [InlineData(new[] { "--windows", "2", "--horizon", "5", "--step", "0" }, "--step must be at least 1, got 0")]
    [InlineData(new[] { "--windows", "2", "--horizon", "0" }, "--horizon must be at least 1, got 0")]
    public void Cross_validation_that_does_not_fit_says_what_would(string[] args, params string[] mentions)
    {
        string csv = Csv("cv.csv", ["day,v", .. Days(30)]), outFile = Path.Combine(_folder, "cv-out.csv");
        Refused(Run(["forecast", "cv", "--input", csv, "--out", outFile, "--epochs", "2", "--ensemble", "1", .. args]), mentions);
        Assert.False(File.Exists(outFile));
    }
}
