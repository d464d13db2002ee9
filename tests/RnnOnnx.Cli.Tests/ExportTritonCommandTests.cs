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
