using System.Text.Json;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Run_feeds_json_tensors_and_writes_every_output()
    {
        string onnx = Path.Combine(_folder, "m.onnx"), input = Path.Combine(_folder, "in.json"), output = Path.Combine(_folder, "out.json");
        Assert.Equal(0, Run("demo", "--epochs", "1", "--onnx", onnx).Exit);
        var values = Enumerable.Range(0, 20).Select(i => Math.Sin(i / 4.0)).ToArray();
        File.WriteAllText(input, JsonSerializer.Serialize(new Dictionary<string, object> { ["input"] = new { shape = new[] { 2, 10, 1 }, data = values } }));

        var (exit, _, error) = Run("run", "--model", onnx, "--input", input, "--out", output);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        var result = doc.RootElement.GetProperty("output");
        Assert.Equal([2, 1], result.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(2, result.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public void Run_with_cuda_on_a_cpu_build_fails_with_one_line_saying_what_to_install()
    {
        string onnx = Path.Combine(_folder, "m.onnx"), input = Path.Combine(_folder, "in.json");
        Assert.Equal(0, Run("demo", "--epochs", "1", "--onnx", onnx).Exit);
        File.WriteAllText(input, """{"input": {"shape": [1, 10, 1], "data": [0,0,0,0,0,0,0,0,0,0]}}""");
        var (exit, _, error) = Run("run", "--model", onnx, "--input", input, "--out", Path.Combine(_folder, "o.json"), "--provider", "cuda");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", error);
        Assert.False(File.Exists(Path.Combine(_folder, "o.json")));
    }
}
