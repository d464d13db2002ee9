namespace RnnOnnx.Onnx.Tests;

/// <summary>Debian's onnx checker (full_check) accepts every model we export.</summary>
public sealed class OnnxCheckerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-check-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_onnx_checker_accepts_every_exported_model_full_step_and_variable_length()
    {
        var files = new List<string>();
        foreach (string name in ExportParityTests.Names)
        {
            var model = ExportParityTests.Model(name);
            var kinds = new List<(string Suffix, OnnxExportOptions Options)> { ("full", new OnnxExportOptions()) };
            if (model.InputShape.IsSequence) kinds.Add(("lens", new OnnxExportOptions { SequenceLengths = true, Opset = 14 }));
            if (model.InputShape.IsSequence && !name.Contains("bi-", StringComparison.Ordinal))
                kinds.Add(("step", new OnnxExportOptions { Kind = OnnxGraphKind.Step }));
            foreach (var (suffix, options) in kinds)
            {
                string path = Path.Combine(_folder, $"{name}.{suffix}.onnx");
                OnnxExporter.Export(model, path, options);
                files.Add(path);
            }
        }
        files.AddRange(Directory.GetFiles(Path.Combine(PythonTool.RepositoryRoot, "models"), "*.onnx", SearchOption.AllDirectories));

        var (exit, output, error) = PythonTool.Run("onnx_check.py", files);

        Assert.True(exit == 0, $"checker failed:\n{output}\n{error}");
        Assert.Equal(files.Count, output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }
}
