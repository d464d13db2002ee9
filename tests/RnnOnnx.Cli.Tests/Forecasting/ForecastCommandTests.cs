using System.Globalization;

namespace RnnOnnx.Cli.Tests.Forecasting;

public sealed class ForecastCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-forecast-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Csv(string name, IEnumerable<string> cells, string header = "t,value")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, cells.Select((c, i) => $"{i},{c}").Prepend(header));
        return path;
    }

    private string Series(int n = 96) => Csv("series.csv", Enumerable.Range(0, n).Select(t =>
        (100 + t + 10 * Math.Sin(2 * Math.PI * t / 12) + (t * 7919 % 13) / 4.0).ToString("R", CultureInfo.InvariantCulture)));

    private static readonly string[] Fast = ["--epochs", "10", "--ensemble", "1"];

    [Fact]
    public void Writes_step_forecast_lower_upper_and_the_model_deterministically()
    {
        string input = Series(), out1 = Path.Combine(_dir, "a.csv"), out2 = Path.Combine(_dir, "b.csv"), model = Path.Combine(_dir, "m.onnx");
        var (exit, _, error) = CliRunner.Run(["forecast", "--input", input, "--horizon", "5", "--season", "12", "--out", out1, "--save", model, "--seed", "3", .. Fast]);
        Assert.True(exit == 0, error);
        CliRunner.Run(["forecast", "--input", input, "--horizon", "5", "--season", "12", "--out", out2, "--seed", "3", .. Fast]);
        var lines = File.ReadAllLines(out1);
        Assert.Equal("step,forecast,lower,upper", lines[0]);
        Assert.Equal(6, lines.Length);
        for (int i = 1; i <= 5; i++)
        {
            var v = lines[i].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(i, v[0]);
            Assert.InRange(v[1], v[2], v[3]);
        }
        Assert.Equal(File.ReadAllText(out1), File.ReadAllText(out2));
        Assert.True(new FileInfo(model).Length > 1000);
        var (inspectExit, inspect, _) = CliRunner.Run("inspect", model);
        Assert.Equal(0, inspectExit);
        Assert.Contains("rnnonnx.task = forecast", inspect, StringComparison.Ordinal);
    }

    [Fact]
    public void Plot_writes_a_png_of_history_forecast_and_band()
    {
        string png = Path.Combine(_dir, "plot.png");
        var (exit, _, error) = CliRunner.Run(["forecast", "--input", Series(), "--horizon", "6", "--season", "12", "--plot", png, .. Fast]);
        Assert.True(exit == 0, error);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.True(bytes.Length > 10_000, $"PNG of {bytes.Length} bytes is too small to hold the plot");
        Assert.Single(Directory.GetFiles(_dir, "*.png*"));
    }

    [Fact]
    public void Missing_cells_are_filled_and_said_so()
    {
        var cells = Enumerable.Range(0, 80).Select(t => t % 17 == 5 ? "" : (50 + t % 12 + t * 0.5).ToString(CultureInfo.InvariantCulture));
        var (exit, output, error) = CliRunner.Run(["forecast", "--input", Csv("gaps.csv", cells), "--horizon", "3", .. Fast]);
        Assert.True(exit == 0, error);
        Assert.Contains("missing value(s)", error, StringComparison.Ordinal);
        Assert.StartsWith("step,forecast,lower,upper", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_series_too_short_for_the_network_is_still_forecast_and_says_how()
    {
        // Issue #16: every series of at least 3 points gets a forecast for any horizon.
        string input = Csv("short.csv", Enumerable.Range(0, 12).Select(t => (10 + t).ToString(CultureInfo.InvariantCulture)));
        var (exit, output, error) = CliRunner.Run(["forecast", "--input", input, "--horizon", "5", .. Fast]);
        Assert.True(exit == 0, error);
        Assert.Equal(6, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("forecast by exponential smoothing (ETS): too short for the network", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Method_auto_may_blend_in_exponential_smoothing_and_method_network_keeps_the_network()
    {
        // A trend that turned: up for 100 quarters, then down for 40 (the network's drift is the whole history's mean change).
        var rng = new Random(4);
        string input = Csv("turned.csv", Enumerable.Range(0, 140).Select(t =>
            (500 + (t < 100 ? 2.0 * t : 200 - 3.0 * (t - 100)) + 10 * Math.Sin(Math.PI * t / 2) + rng.NextDouble()).ToString(CultureInfo.InvariantCulture)));
        string[] common = ["forecast", "--input", input, "--horizon", "8", "--season", "4", .. Fast];
        var (exit, _, error) = CliRunner.Run(common);
        Assert.True(exit == 0, error);
        Assert.Contains("forecast by the network blended with exponential smoothing: smoothing was clearly better on the held-out last horizon", error, StringComparison.Ordinal);
        (exit, _, error) = CliRunner.Run([.. common, "--method", "network"]);
        Assert.True(exit == 0, error);
        Assert.Contains("forecast by the network", error, StringComparison.Ordinal);
        (exit, _, error) = CliRunner.Run([.. common, "--method", "arima"]);
        Assert.Equal(1, exit);
        Assert.Contains("arima", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "short", ["--horizon", "5"], "at least 3" },
        { "text", ["--horizon", "5"], "is not a number" },
        { "good", ["--horizon", "5", "--column", "nope"], "no value column 'nope'" },
        { "good", ["--horizon", "0"], "--horizon must be at least 1" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_exits_non_zero_with_one_line_and_writes_no_file(string kind, string[] args, string message)
    {
        string input = kind switch
        {
            // Series from 3 points are forecast (by exponential smoothing when too short for the network); 2 are refused.
            "short" => Csv("short.csv", Enumerable.Range(0, 2).Select(t => (10 + t).ToString(CultureInfo.InvariantCulture))),
            "text" => Csv("text.csv", Enumerable.Range(0, 80).Select(t => t == 40 ? "abc" : "1.5")),
            _ => Series(),
        };
        string output = Path.Combine(_dir, "out.csv");
        var (exit, _, error) = CliRunner.Run(["forecast", "--input", input, "--out", output, .. args, .. Fast]);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(output));
    }
}
