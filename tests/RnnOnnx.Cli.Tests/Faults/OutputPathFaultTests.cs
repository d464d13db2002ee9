using static RnnOnnx.Cli.Tests.CliRunner;
using static RnnOnnx.Cli.Tests.Faults.FaultAssert;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>Issue #15, class 1: every output option takes the user's path to AtomicFile: -, /dev/stdout, folders.</summary>
public sealed class OutputPathFaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-faults-out-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (string Model, string Input) Model()
    {
        string onnx = Path.Combine(_folder, "m.onnx"), input = Path.Combine(_folder, "in.json");
        Assert.Equal(0, Run("demo", "--epochs", "1", "--onnx", onnx).Exit);
        File.WriteAllText(input, """{"input": {"shape": [1, 10, 1], "data": [0,0,0,0,0,0,0,0,0,0]}}""");
        return (onnx, input);
    }

    [Fact]
    public void Run_out_dev_stdout_prints_and_leaves_the_link()
    {
        var (model, input) = Model();
        string? before = new FileInfo("/dev/stdout").LinkTarget;
        var result = RunProcess("run", "--model", model, "--input", input, "--out", "/dev/stdout");
        Assert.True(result.Exit == 0, result.Error);
        Assert.Contains("\"output\"", result.Output, StringComparison.Ordinal);
        Assert.Equal(before, new FileInfo("/dev/stdout").LinkTarget);
        Assert.NotNull(new FileInfo("/dev/stdout").LinkTarget);
    }

    [Fact]
    public void Run_out_dash_prints_the_json_and_makes_no_file()
    {
        var (model, input) = Model();
        var result = RunProcess("run", "--model", model, "--input", input, "--out", "-");
        Assert.True(result.Exit == 0, result.Error);
        Assert.Contains("\"output\"", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "-")));
    }

    [Fact]
    public void Forecast_out_dash_prints_the_csv()
    {
        string csv = Path.Combine(_folder, "s.csv");
        File.WriteAllLines(csv, ["value", .. Enumerable.Range(0, 60).Select(t => (100 + t + 10 * Math.Sin(t / 2.0)).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var result = RunProcess("forecast", "--input", csv, "--horizon", "2", "--epochs", "2", "--ensemble", "1", "--out", "-");
        Assert.True(result.Exit == 0, result.Error);
        Assert.StartsWith("step,forecast,lower,upper\n1,", result.Output, StringComparison.Ordinal);
        Assert.Contains("values from column 'value'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_as_out_is_refused_naming_it_and_nothing_is_written()
    {
        var (model, input) = Model();
        var before = Directory.GetFileSystemEntries(_folder).Length;
        Refused(Run("run", "--model", model, "--input", input, "--out", _folder), _folder, "folder");
        Assert.Equal(before, Directory.GetFileSystemEntries(_folder).Length);
    }

    [Fact]
    public void Export_out_keeps_the_users_path()
    {
        string native = Path.Combine(_folder, "m.rnnonnx");
        Assert.Equal(0, Run("demo", "--epochs", "1", "--save", native).Exit);
        var result = RunProcess("export", "--model", native, "--out", "-");
        Assert.True(result.Exit == 0, result.Error);
        Assert.DoesNotContain("wrote", result.Output, StringComparison.Ordinal);
        Assert.True(result.Output.Length > 100);
    }
}
