using RnnOnnx.Text;
using RnnOnnx.Runtime;
namespace RnnOnnx.ML.Text;

/// <summary>
/// What <c>mlContext.Transforms.GenerateText(...)</c> reads, writes and how it samples. The estimator copies the
/// options, so later changes have no effect on it.
/// </summary>
public sealed class TextGenerationOptions
{
    /// <summary>Column to add: the generated continuation of each row's prompt (text, without the prompt).</summary>
    public string OutputColumnName { get; set; } = "";

    /// <summary>Column holding each row's prompt (text). An empty prompt starts from a line break, as in <see cref="TextGenerator"/>.</summary>
    public string InputColumnName { get; set; } = "";

    /// <summary>The text-generation step model (made by <c>rnnonnx train</c>, task "generate"); read once, by the estimator.</summary>
    public string ModelFile { get; set; } = "";

    /// <summary>Characters generated per row (≥ 0).</summary>
    public int Length { get; set; } = 100;

    /// <summary>
    /// Temperature (0 = greedy), top-k, top-p and seed. The seed is per row: every row's sampler starts from
    /// <see cref="SamplingOptions.Seed"/>, so a row's continuation depends only on its prompt, the model and these
    /// options — never on its position, its batch or the other rows — and equals
    /// <see cref="TextGenerator.Generate(string, int, SamplingOptions, Action{string}?)"/> of that prompt. Rows with the
    /// same prompt therefore get the same continuation; use another seed (another transform) for another draw.
    /// </summary>
    public SamplingOptions Sampling { get; set; } = new();

    /// <summary>Prompts continued together: one ONNX Runtime call per generated character for the whole batch.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>CPU (default), CUDA or automatic.</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>Threads ONNX Runtime may use inside one call (0 = its own choice).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Receives warnings (the <see cref="ExecutionProvider.Auto(int)"/> fallback); default: standard error.</summary>
    public Action<string>? Warning { get; set; }

    internal TextGenerationOptions Clone() => (TextGenerationOptions)MemberwiseClone();

    /// <summary>Names the first missing or out-of-range option.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentException("OutputColumnName is required.");
        if (string.IsNullOrWhiteSpace(InputColumnName)) throw new ArgumentException("InputColumnName is required.");
        if (string.IsNullOrWhiteSpace(ModelFile)) throw new ArgumentException("ModelFile is required.");
        if (Length < 0) throw new ArgumentOutOfRangeException(nameof(Length), Length, "Length must be at least 0.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "IntraOpThreads must be 0 (ONNX Runtime's choice) or more.");
        if (ExecutionProvider is null) throw new ArgumentException("ExecutionProvider is required.");
        if (Sampling is null) throw new ArgumentException("Sampling is required.");
        Sampling.Validate();
    }
}
