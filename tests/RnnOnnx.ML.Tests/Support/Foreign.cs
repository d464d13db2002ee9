using System.Diagnostics;

namespace RnnOnnx.ML.Tests;

/// <summary>
/// Models from outside RnnOnnx's exporter, made by the Python scripts in Foreign/ with Debian's python3-onnx
/// (installed by tools/setup.sh). A missing Python or onnx fails the test; it never skips.
/// </summary>
internal static class Foreign
{
    private static readonly Lazy<byte[]> TorchLikeLstm = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnnonnx-foreign-{Guid.NewGuid():N}.onnx");
        Run("make_foreign_lstm.py", path);
        try { return File.ReadAllBytes(path); }
        finally { File.Delete(path); }
    });

    /// <summary>An LSTM laid out as torch.onnx.export writes nn.LSTM + nn.Linear (see Foreign/make_foreign_lstm.py).</summary>
    public static byte[] TorchLstm => TorchLikeLstm.Value;

    /// <summary>A copy of <paramref name="model"/> with some dimensions of <paramref name="input"/> fixed.</summary>
    public static byte[] PinDimensions(byte[] model, string input, params (int Axis, int Size)[] pins)
    {
        string path = TestModels.TempFile(model);
        try
        {
            Run("pin_dims.py", [path, input, .. pins.Select(p => $"{p.Axis}={p.Size}")]);
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }

    private static void Run(string script, params string[] arguments)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} is missing: run `bash tools/setup.sh` (installs Debian's python3-onnx).");
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Foreign", script));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), $"{script} did not finish in a minute");
        Assert.True(process.ExitCode == 0, $"{script} failed ({process.ExitCode}); run `bash tools/setup.sh` if onnx is missing.\n{error}");
    }
}
