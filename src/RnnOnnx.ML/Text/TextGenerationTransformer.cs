using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Text;

namespace RnnOnnx.ML.Text;

/// <summary>
/// Continues each row's prompt with a character language model on ONNX Runtime: <see cref="Transform"/> continues
/// <see cref="TextGenerationOptions.BatchSize"/> rows together (one call per generated character for the batch), a
/// <c>PredictionEngine</c> one row at a time; both give each row the same text (see <see cref="TextGenerationOptions.Sampling"/>).
/// </summary>
/// <remarks>
/// The transformer owns one ONNX Runtime session shared by its cursors, prediction engines and threads. Dispose it (or
/// the pipeline holding it) to free the session; ML.NET's <c>PredictionEngine</c> disposes its transformer unless made
/// with <c>new PredictionEngineOptions { OwnsTransformer = false }</c>. ML.NET cannot save third-party transformers and
/// <c>SaveRecurrentPipeline</c> does not take this one: keep the model file and rebuild the transform from it.
/// </remarks>
public sealed class TextGenerationTransformer : ITransformer, IDisposable
{
    private readonly TextGenerator _generator;
    private bool _disposed;

    private TextGenerationTransformer(TextGenerationOptions options, TextGenerator generator)
    {
        Options = options;
        _generator = generator;
    }

    internal static TextGenerationTransformer Create(TextGenerationOptions options, byte[] model)
    {
        var warn = options.Warning ?? (message => Console.Error.WriteLine("warning: " + message));
        return new(options, TextGenerator.Load(model, $"'{options.ModelFile}'", options.ExecutionProvider, options.IntraOpThreads, warn));
    }

    /// <summary>The model's characters: prompts may use only these.</summary>
    public CharVocabulary Vocabulary => _generator.Vocabulary;

    /// <summary>True: rows are independent, so <c>PredictionEngine</c> can run the transform.</summary>
    public bool IsRowToRowMapper => true;

    internal TextGenerationOptions Options { get; }

    /// <summary>The input schema plus the continuation column (text).</summary>
    /// <exception cref="DataException">The prompt column is missing or not text.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>Maps rows one at a time (what <c>PredictionEngine</c> uses).</summary>
    /// <exception cref="DataException">The prompt column is missing or not text.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BatchedTextRowMapper<int[]>(Bind(inputSchema));

    /// <summary>Adds the continuation column to <paramref name="input"/>, computed lazily, a batch of rows at a time.</summary>
    /// <exception cref="DataException">The prompt column is missing or not text; or, while reading, a prompt has characters outside the vocabulary (the message names the row).</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchedTextDataView<int[]>(Bind(input.Schema), input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "ML.NET cannot save third-party transformers, and SaveRecurrentPipeline does not take GenerateText: keep the .onnx model file " +
        "(it holds the vocabulary) and make the transform again with mlContext.Transforms.GenerateText(...).");

    /// <summary>Frees the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _generator.Dispose();
    }

    internal TextGenerationMapping Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ThrowIfDisposed();
        return TextGenerationMapping.Bind(this, _generator, inputSchema);
    }

    /// <summary>The continuations of the encoded prompts: one batch through the step graph.</summary>
    internal string[] Continue(IReadOnlyList<int[]> prompts)
    {
        ThrowIfDisposed();
        return _generator.Continue(prompts, Options.Length, Options.Sampling);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
