using Microsoft.ML;
using RnnOnnx.Text;
using RnnOnnx.ML.Text;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML;

/// <summary>
/// <c>mlContext.Transforms.GenerateText(...)</c>: continues a column of prompts with a character language model made
/// by <c>rnnonnx train</c> (its step graph, vocabulary inside), batched through ONNX Runtime.
/// </summary>
/// <example>
/// <code>
/// var pipeline = mlContext.Transforms.GenerateText("Continuation", "Prompt", "models/textgen/kjv-char.onnx",
///     length: 80, sampling: new SamplingOptions { Temperature = 0.8f, TopK = 10, Seed = 1 });
/// using var model = pipeline.Fit(data);
/// IDataView scored = model.Transform(data);
/// </code>
/// </example>
public static class TextGenerationCatalog
{
    /// <summary>Adds <paramref name="outputColumnName"/>: the continuation of each row's prompt in <paramref name="inputColumnName"/>.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Column to add (text): the generated characters, without the prompt.</param>
    /// <param name="inputColumnName">Column of prompts (text). Every character must be in the model's vocabulary, else reading the row fails naming it.</param>
    /// <param name="modelFile">The text-generation step model; read once, now.</param>
    /// <param name="length">Characters to generate per row.</param>
    /// <param name="sampling">Temperature (0 = greedy), top-k, top-p and seed (default: temperature 1, seed 0). The seed is per row: see <see cref="TextGenerationOptions.Sampling"/>.</param>
    /// <param name="batchSize">Rows continued together.</param>
    /// <param name="executionProvider">CPU (default), CUDA or automatic.</param>
    /// <exception cref="ArgumentException">An argument is missing or out of range.</exception>
    /// <exception cref="ModelFileException">The model cannot be read or is not a text-generation step model.</exception>
    public static TextGenerationEstimator GenerateText(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelFile,
        int length = 100, SamplingOptions? sampling = null, int batchSize = 64, ExecutionProvider? executionProvider = null) =>
        catalog.GenerateText(new TextGenerationOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            ModelFile = modelFile,
            Length = length,
            Sampling = sampling ?? new SamplingOptions(),
            BatchSize = batchSize,
            ExecutionProvider = executionProvider ?? ExecutionProvider.Cpu,
        });

    /// <summary>Continues prompts as <paramref name="options"/> describe.</summary>
    /// <param name="catalog">The transforms catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="options">Columns, model, length, sampling, batching, execution provider. Copied: later changes have no effect.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    /// <exception cref="ModelFileException">The model cannot be read or is not a text-generation step model.</exception>
    public static TextGenerationEstimator GenerateText(this TransformsCatalog catalog, TextGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TextGenerationEstimator(options);
    }
}
