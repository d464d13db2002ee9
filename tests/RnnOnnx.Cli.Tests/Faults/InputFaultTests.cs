using Google.Protobuf;
using RnnOnnx.Onnx.Proto;
using static RnnOnnx.Cli.Tests.CliRunner;
using static RnnOnnx.Cli.Tests.Faults.FaultAssert;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>Issue #15, classes 2, 3 and 5: input at fault is exit 1 with a message naming file and problem.</summary>
public sealed class InputFaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-faults-in-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Demo()
    {
        string onnx = Path.Combine(_folder, "m.onnx");
        Assert.Equal(0, Run("demo", "--epochs", "1", "--onnx", onnx).Exit);
        File.WriteAllText(Path.Combine(_folder, "in.json"), """{"input": {"shape": [1, 10, 1], "data": [0,0,0,0,0,0,0,0,0,0]}}""");
        return onnx;
    }

    private string Edited(string onnx, string name, Action<ModelProto> edit)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        edit(model);
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Fact]
    public void An_operator_onnx_runtime_lacks_is_a_model_file_error_naming_the_file()
    {
        string bad = Edited(Demo(), "unknown-op.onnx", m => m.Graph.Node[0].OpType = "NoSuchOperator");
        string output = Path.Combine(_folder, "o.json");
        Refused(Run("run", "--model", bad, "--input", Path.Combine(_folder, "in.json"), "--out", output), "unknown-op.onnx", "ONNX Runtime");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_node_reading_an_undefined_input_is_a_model_file_error()
    {
        string bad = Edited(Demo(), "undefined.onnx", m => m.Graph.Node[^1].Input[0] = "nowhere");
        Refused(Run("run", "--model", bad, "--input", Path.Combine(_folder, "in.json"), "--out", Path.Combine(_folder, "o.json")), "undefined.onnx");
    }

    [Fact]
    public void An_initializer_whose_element_count_overflows_is_refused_by_inspect()
    {
        string bad = Edited(Demo(), "huge.onnx", m =>
        {
            var t = m.Graph.Initializer[0];
            t.Dims.Clear();
            t.Dims.AddRange([long.MaxValue / 2, 4]);
        });
        Refused(Run("inspect", bad), "huge.onnx", "overflows");
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("run")]
    public void An_unknown_provider_is_exit_1(string command)
    {
        string onnx = Demo();
        string[] args = command == "run"
            ? ["run", "--model", onnx, "--input", Path.Combine(_folder, "in.json"), "--out", Path.Combine(_folder, "o.json"), "--provider", "abacus"]
            : ["generate", "--model", onnx, "--provider", "abacus"];
        Refused(Run(args), "abacus");
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("run")]
    [InlineData("forecast")]
    [InlineData("generate")]
    public void A_folder_given_as_an_input_file_is_named(string command)
    {
        string[] args = command switch
        {
            "inspect" => ["inspect", _folder],
            "run" => ["run", "--model", _folder, "--input", _folder, "--out", Path.Combine(_folder, "o.json")],
            "forecast" => ["forecast", "--input", _folder, "--horizon", "2"],
            _ => ["generate", "--model", _folder],
        };
        var result = Run(args);
        Refused(result, $"'{_folder}' is a folder");
        Assert.DoesNotContain("denied", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Horizon_beyond_the_limit_names_the_option_and_the_limit()
    {
        string csv = Path.Combine(_folder, "s.csv");
        File.WriteAllText(csv, "v\n1\n2\n3\n");
        Refused(Run("forecast", "--input", csv, "--horizon", "2147483647"), "--horizon", "10000");
    }

    [Fact]
    public void Demo_threads_zero_names_the_option() => Refused(Run("demo", "--threads", "0", "--epochs", "1"), "--threads");

    [Fact]
    public void Quoted_fields_with_commas_do_not_shift_columns()
    {
        string csv = Path.Combine(_folder, "air.csv");
        var rows = Enumerable.Range(0, 48).Select(i => $"\"{new DateTime(1949 + i / 12, i % 12 + 1, 1):MMM, yyyy}\",{112 + i * 2 + (i % 12 == 6 ? 30 : 0)}");
        File.WriteAllLines(csv, ["month,passengers", .. rows]);
        var (exit, output, error) = Run("forecast", "--input", csv, "--column", "passengers", "--horizon", "2", "--epochs", "2", "--ensemble", "1");
        Assert.True(exit == 0, error);
        Assert.Contains("values from column 'passengers'", error, StringComparison.Ordinal);
        Assert.Contains("48 values", error, StringComparison.Ordinal);
        Assert.StartsWith("step,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_column_adds_iso_timestamps()
    {
        string csv = Path.Combine(_folder, "monthly.csv");
        var rows = Enumerable.Range(0, 48).Select(i => $"{1949 + i / 12}-{i % 12 + 1:00},{112 + i * 2 + 10 * Math.Sin(i / 2.0):F1}");
        File.WriteAllLines(csv, ["month,passengers", .. rows]);
        var (exit, output, error) = Run("forecast", "--input", csv, "--horizon", "2", "--epochs", "2", "--ensemble", "1");
        Assert.True(exit == 0, error);
        Assert.StartsWith("step,timestamp,forecast,lower,upper\n1,1953-01-01,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_values_are_refused_not_forecast_as_infinity()
    {
        string csv = Path.Combine(_folder, "big.csv");
        File.WriteAllLines(csv, ["v", .. Enumerable.Range(0, 60).Select(i => $"{1 + i % 7}e300")]);
        string output = Path.Combine(_folder, "f.csv");
        Refused(Run("forecast", "--input", csv, "--horizon", "2", "--out", output), "float32");
        Assert.False(File.Exists(output));
    }
}
