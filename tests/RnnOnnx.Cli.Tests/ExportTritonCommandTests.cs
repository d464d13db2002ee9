namespace RnnOnnx.Cli.Tests;

/// <summary>`rnnonnx export --triton REPO --model M.onnx [--name NAME] [--max-batch N]`: the command-line contract.</summary>
public sealed class ExportTritonCommandTests
{
    [Fact]
    public void Export_triton_writes_a_model_folder_then_the_next_version()
    {
        string repo = Path.Combine(Path.GetTempPath(), $"rnnonnx-cli-triton-{Guid.NewGuid():N}");
        try
        {
            string model = Repository.File("models", "forecast", "airpassengers.onnx");
            var (exit, output, error) = CliRunner.Run("export", "--triton", repo, "--model", model);
            Assert.True(exit == 0, error);
            Assert.Contains("airpassengers (version 1; step model, sequence batching, 3 state(s))", output, StringComparison.Ordinal);
            Assert.DoesNotContain("note:", output, StringComparison.Ordinal);   // the shipped model's one series is the network's
            Assert.True(File.Exists(Path.Combine(repo, "airpassengers", "config.pbtxt")));
            Assert.True(File.Exists(Path.Combine(repo, "airpassengers", "1", "model.onnx")));

            (exit, output, error) = CliRunner.Run("export", "--triton", repo, "--model", model, "--max-batch", "4");
            Assert.True(exit == 0, error);
            Assert.Contains("version 2", output, StringComparison.Ordinal);
            Assert.Contains("max_batch_size: 4", File.ReadAllText(Path.Combine(repo, "airpassengers", "config.pbtxt")), StringComparison.Ordinal);

            (exit, _, error) = CliRunner.Run("export", "--triton", repo, "--model", Repository.File("models", "textgen", "kjv-char.onnx"), "--name", "kjv");
            Assert.True(exit == 0, error);
            Assert.Equal(["airpassengers", "kjv"], Directory.EnumerateFileSystemEntries(repo).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            if (Directory.Exists(repo)) Directory.Delete(repo, true);
        }
    }

    [Fact]
    public void A_forecasting_model_with_series_outside_the_graph_says_so_on_export()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rnnonnx-cli-triton-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            // A panel with one series too short for the network: exponential smoothing forecasts it, outside the graph.
            string csv = Path.Combine(dir, "p.csv");
            File.WriteAllLines(csv, ["id,v", .. Enumerable.Range(0, 80).Select(t => $"long,{100 + t + 10 * Math.Sin(t / 2.0):F2}"), .. Enumerable.Range(0, 5).Select(t => $"tiny,{5 + t}")]);
            string model = Path.Combine(dir, "m.onnx");
            var (exit, _, error) = CliRunner.Run("forecast", "--input", csv, "--id-column", "id", "--horizon", "3", "--season", "1", "--epochs", "5", "--ensemble", "1", "--method", "network", "--save", model, "--out", Path.Combine(dir, "f.csv"));
            Assert.True(exit == 0, error);
            (exit, var output, error) = CliRunner.Run("export", "--triton", Path.Combine(dir, "repo"), "--model", model);
            Assert.True(exit == 0, error);
            Assert.Contains("note: 1 of the model's 2 series ('tiny') are forecast by exponential smoothing", output, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Export_needs_exactly_one_destination_and_a_valid_name()
    {
        string model = Repository.File("models", "forecast", "airpassengers.onnx");
        var (exit, _, error) = CliRunner.Run("export", "--model", model);
        Assert.Equal(1, exit);
        Assert.Contains("exactly one of --out", error, StringComparison.Ordinal);
        (exit, _, error) = CliRunner.Run("export", "--model", model, "--out", "x.onnx", "--triton", "repo");
        Assert.Equal(1, exit);
        string repo = Path.Combine(Path.GetTempPath(), $"rnnonnx-cli-triton-{Guid.NewGuid():N}");
        (exit, _, error) = CliRunner.Run("export", "--triton", repo, "--model", model, "--name", "../up");
        Assert.Equal(1, exit);
        Assert.Contains("Model name '../up' is not valid", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        (exit, _, error) = CliRunner.Run("export", "--triton", repo, "--model", model, "--max-batch", "0");
        Assert.Equal(1, exit);
        Assert.Contains("--max-batch", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(repo, "airpassengers")));
        if (Directory.Exists(repo)) Directory.Delete(repo, true);
    }
}
