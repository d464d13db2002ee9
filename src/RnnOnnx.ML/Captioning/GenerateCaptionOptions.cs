using RnnOnnx.Runtime;
using RnnOnnx.Captioning;
namespace RnnOnnx.ML.Captioning;

/// <summary>Options of <c>mlContext.Transforms.GenerateCaption</c>.</summary>
public sealed record GenerateCaptionOptions
{
    /// <summary>The captioner: its decoder file, its encoder file, or their folder (see <see cref="CaptionModel.Load"/>).</summary>
    public required string ModelPath { get; init; }

    /// <summary>The image column: channels-first float pixels from ExtractPixels (default options), after ResizeImages to the model's size.</summary>
    public string InputColumnName { get; init; } = "Pixels";

    /// <summary>The caption column added (text; empty for an image that could not be read).</summary>
    public string OutputColumnName { get; init; } = "Caption";

    /// <summary>The column added with why a row has no caption (text; empty when it has one).</summary>
    public string ErrorColumnName { get; init; } = "CaptionError";

    /// <summary>Greedy or beam search, maximum length, length normalisation.</summary>
    public CaptionOptions Search { get; init; } = new();

    /// <summary>Images per encoder call and per decoding run.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Where ONNX Runtime runs.</summary>
    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ModelPath);
        ArgumentException.ThrowIfNullOrEmpty(InputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(OutputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(ErrorColumnName);
        if (OutputColumnName == ErrorColumnName) throw new ModelConfigurationException($"The caption and error columns must differ, both are '{OutputColumnName}'.");
        if (BatchSize < 1) throw new ModelConfigurationException($"Batch size must be at least 1, got {BatchSize}.");
        Search.Validate();
    }
}
