using System.Text.Json;

using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests;

public sealed class ExportInspectCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Demo_model_exports_to_a_step_model_whose_state_pairs_inspect_finds()
    {
        string native = Path.Combine(_folder, "seed.rnnonnx"), onnx = Path.Combine(_folder, "seed.onnx"), step = Path.Combine(_folder, "seed.step.onnx");
        Assert.Equal(0, Run("demo", "--epochs", "1", "--save", native, "--onnx", onnx).Exit);
        Assert.True(File.Exists(onnx));
        var (exit, output, error) = Run("export", "--model", native, "--out", step, "--step");
        Assert.True(exit == 0, error);
        Assert.Contains(step, output);

        var (inspectExit, json, _) = Run("inspect", step, "--json");
        Assert.Equal(0, inspectExit);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("operators").GetProperty("LSTM").GetInt32());
        var pairs = root.GetProperty("state_pairs").EnumerateArray().Select(p => $"{p.GetProperty("input").GetString()}>{p.GetProperty("output").GetString()}").ToList();
        Assert.Equal(["h_in_0>h_out_0", "c_in_0>c_out_0", "h_in_1>h_out_1", "c_in_1>c_out_1", "h_in_2>h_out_2", "c_in_2>c_out_2"], pairs);
        Assert.Equal("sequence", root.GetProperty("metadata").GetProperty("rnnonnx.task").GetString());
        var input = root.GetProperty("inputs")[0];
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal(["batch", "time", "1"], input.GetProperty("shape").EnumerateArray().Select(d => d.GetString()!));

        var (textExit, text, _) = Run("inspect", onnx);
        Assert.Equal(0, textExit);
        Assert.Contains("rnnonnx.task = forecast", text);
        Assert.Contains("state:      none", text);
    }

    [Fact]
    public void Seed_000s_relu_lstm_trains_exports_and_runs_on_onnx_runtime_like_the_trainer()
    {
        string native = Path.Combine(_folder, "seed000.rnnonnx"), onnx = Path.Combine(_folder, "seed000.onnx");
        var (exit, output, error) = Run("demo", "--model", "seed000", "--epochs", "2", "--save", native, "--onnx", onnx);
        Assert.True(exit == 0, error);
        Assert.Contains("validation MSE", output);

        var model = RnnOnnx.Training.Sequential.Load(native);
        var lstm = Assert.IsType<RnnOnnx.Layers.Lstm>(model.Layers[0]);
        Assert.Equal(RnnOnnx.Layers.Activation.Relu, lstm.Activation);
        // The ONNX file carries the relu (LSTM activations [Sigmoid, Relu, Relu]) and ONNX Runtime computes what the trainer does.
        var imported = RnnOnnx.Onnx.OnnxImporter.Read(File.ReadAllBytes(onnx)).Model;
        Assert.Equal(RnnOnnx.Layers.Activation.Relu, Assert.IsType<RnnOnnx.Layers.Lstm>(imported.Layers[0]).Activation);
        var x = new RnnOnnx.Tensor(Enumerable.Range(0, 3 * 10).Select(i => MathF.Sin(i * 0.3f)).ToArray(), 3, 10, 1);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(x.Data, [3, 10, 1]);
        using var results = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), [session.InputNames[0]], [input], session.OutputNames);
        var ort = results[0].GetTensorDataAsSpan<float>().ToArray();
        var trainer = model.Predict(x).Data;
        Assert.Equal(trainer.Length, ort.Length);
        for (int i = 0; i < ort.Length; i++) Assert.True(Math.Abs(ort[i] - trainer[i]) <= 1e-5, $"row {i}: ONNX Runtime {ort[i]} vs trainer {trainer[i]}");
    }

    [Fact]
    public void Export_refuses_an_unknown_task_naming_the_allowed_ones()
    {
        string onnx = Path.Combine(_folder, "x.onnx");
        var (exit, _, error) = Run("export", "--model", Path.Combine(_folder, "none.rnnonnx"), "--out", onnx, "--task", "bogus");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error);
        Assert.Contains("--task 'bogus'", error, StringComparison.Ordinal);
        Assert.Contains("sequence, forecast, generate, caption, motor", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(onnx));
    }

    [Fact]
    public void Inspecting_a_file_that_is_not_onnx_fails_with_one_message()
    {
        string junk = Path.Combine(_folder, "junk.onnx");
        File.WriteAllBytes(junk, [0xFF, 0xFF, 0xFF, 0x01, 0x02]);
        var (exit, _, error) = Run("inspect", junk);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error);
        Assert.Contains("junk.onnx", error);
        var (missingExit, _, missingError) = Run("export", "--model", Path.Combine(_folder, "none.rnnonnx"), "--out", Path.Combine(_folder, "x.onnx"));
        Assert.Equal(1, missingExit);
        Assert.Contains("none.rnnonnx", missingError);
        Assert.False(File.Exists(Path.Combine(_folder, "x.onnx")));
    }
}
