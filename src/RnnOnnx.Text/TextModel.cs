using System.Text.Json;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime;
using RnnOnnx.Serialization;

namespace RnnOnnx.Text;

/// <summary>
/// A character language model: one ONNX step graph with its vocabulary and window in <c>rnnonnx.config</c>
/// (<c>rnnonnx.task</c> = generate), made by <see cref="TextTrainer.Train"/> or read by <see cref="Load"/>, with the
/// <see cref="TextGenerator"/> that runs it. Dispose it to free the ONNX Runtime session.
/// </summary>
public sealed class TextModel : IDisposable
{
    private TextModel(byte[] onnx, TextGenerator generator, int window, TextTrainingReport? report)
    {
        OnnxModel = onnx;
        Generator = generator;
        Window = window;
        Report = report;
    }

    /// <summary>The ONNX model bytes (what <see cref="Save"/> writes).</summary>
    public byte[] OnnxModel { get; }

    /// <summary>Generates text with this model (owned by the model).</summary>
    public TextGenerator Generator { get; }

    /// <summary>The model's characters.</summary>
    public CharVocabulary Vocabulary => Generator.Vocabulary;

    /// <summary>Characters per training window (0 when the file does not say).</summary>
    public int Window { get; }

    /// <summary>The training report (null for a loaded model).</summary>
    public TextTrainingReport? Report { get; }

    /// <summary>Writes the ONNX model atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, OnnxModel);

    /// <summary>Reads a model written by <see cref="Save"/> (or by `rnnonnx train` with a "generate" recipe).</summary>
    /// <param name="path">The ONNX file.</param>
    /// <param name="provider">Where ONNX Runtime runs (default: CPU).</param>
    /// <param name="warn">Receives load warnings; default: standard error (<see cref="Warnings.Default"/>).</param>
    /// <exception cref="ModelFileException">The file cannot be read or is not a text-generation step model.</exception>
    public static TextModel Load(string path, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try { bytes = Serialization.InputFile.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFileException($"Model file '{path}' cannot be read: {e.Message}", e); }
        return Open(bytes, $"'{path}'", provider ?? ExecutionProvider.Cpu, Warnings.OrDefault(warn), null);
    }

    internal static TextModel Open(byte[] onnx, string source, ExecutionProvider provider, Action<string> warn, TextTrainingReport? report)
    {
        var generator = TextGenerator.Load(onnx, source, provider, intraOpThreads: 1, warn);
        try
        {
            int window = 0;
            if (OnnxModelInfo.Read(onnx, source).Metadata.TryGetValue("rnnonnx.config", out var config))
            {
                using var doc = JsonDocument.Parse(config);
                if (doc.RootElement.TryGetProperty("window", out var w) && w.TryGetInt32(out int n)) window = n;
            }
            return new TextModel(onnx, generator, window, report);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Generator.Dispose();
}
