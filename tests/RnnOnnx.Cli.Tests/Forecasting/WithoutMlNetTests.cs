using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace RnnOnnx.Cli.Tests.Forecasting;

/// <summary>
/// `rnnonnx forecast` runs without ML.NET: the command's dependency closure holds no ML.NET package (ONNX Runtime,
/// Microsoft.ML.OnnxRuntime, is not ML.NET), and a forecast run loads no ML.NET assembly.
/// </summary>
public sealed class WithoutMlNetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-noml-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool IsMlNet(string name) =>
        name.StartsWith("Microsoft.ML", StringComparison.Ordinal) && !name.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal);

    [Fact]
    public void The_command_line_tool_depends_on_no_ML_NET_package()
    {
        string deps = Path.Combine(AppContext.BaseDirectory, "rnnonnx.deps.json");
        using var json = JsonDocument.Parse(File.ReadAllText(deps));
        var libraries = json.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
        Assert.Contains("Microsoft.ML.OnnxRuntime", libraries);
        Assert.DoesNotContain(libraries, IsMlNet);
        Assert.DoesNotContain(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Select(Path.GetFileName), f => IsMlNet(f!));
    }

    [Fact]
    public void A_forecast_loads_no_ML_NET_assembly()
    {
        string input = Path.Combine(_dir, "series.csv"), output = Path.Combine(_dir, "forecast.csv");
        File.WriteAllLines(input, Enumerable.Range(0, 60).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{100 + t + 10 * Math.Sin(2 * Math.PI * t / 12)}")).Prepend("t,value"));
        var (exit, _, error) = CliRunner.Run("forecast", "--input", input, "--horizon", "6", "--season", "12", "--out", output, "--epochs", "3", "--ensemble", "1");
        Assert.True(exit == 0, error);
        Assert.Equal(7, File.ReadAllLines(output).Length);
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "").ToList();
        Assert.Contains("RnnOnnx.Forecasting", loaded);
        Assert.Contains("Microsoft.ML.OnnxRuntime", loaded);
        Assert.DoesNotContain(loaded, IsMlNet);
    }
}
