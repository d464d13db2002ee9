using System.Diagnostics;
using Inference;

namespace RnnOnnx.Tests.Triton;

/// <summary>
/// Debian's protoc against the vendored <c>model_config.proto</c>: parses config.pbtxt text with the same
/// TextFormat parser Triton uses. Fails the test (never skips) when protoc is missing.
/// </summary>
internal static class Protoc
{
    public static string ProtoDirectory => Repository.File("src", "RnnOnnx.Onnx", "Triton", "Proto");

    /// <summary><c>protoc --encode=inference.ModelConfig</c>: the binary message, or the exit code and protoc's message.</summary>
    public static (int Exit, byte[] Binary, string Error) TryEncode(string text)
    {
        string protoc = Find();
        var info = new ProcessStartInfo(protoc) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { $"--proto_path={ProtoDirectory}", "--encode=inference.ModelConfig", "model_config.proto" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "protoc did not finish in a minute");
        copy.Wait();
        return (process.ExitCode, output.ToArray(), error.Result);
    }

    /// <summary>Parses config.pbtxt text as Triton does; asserts protoc accepts it.</summary>
    public static ModelConfig Parse(string text)
    {
        var (exit, binary, error) = TryEncode(text);
        Assert.True(exit == 0, $"protoc rejected the configuration: {error}\n{text}");
        return ModelConfig.Parser.ParseFrom(binary);
    }

    private static string Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, "protoc");
            if (File.Exists(path)) return path;
        }
        Assert.Fail("protoc is missing: run `bash tools/setup.sh` (it installs Debian's protobuf-compiler).");
        return "";
    }
}
