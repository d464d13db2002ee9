using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Text;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML.Text;

/// <summary>
/// Estimator of <see cref="TextGenerationCatalog.GenerateText(TransformsCatalog, TextGenerationOptions)"/>. Nothing is
/// trained: the model is read and checked when the estimator is made, and <see cref="Fit"/> checks the prompt column
/// and returns a <see cref="TextGenerationTransformer"/> with its own ONNX Runtime session.
/// </summary>
public sealed class TextGenerationEstimator : IEstimator<TextGenerationTransformer>
{
    private readonly TextGenerationOptions _options;
    private readonly byte[] _model;

    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    /// <exception cref="ModelFileException">The model file cannot be read, or is not a text-generation step model.</exception>
    internal TextGenerationEstimator(TextGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        try { _model = Serialization.InputFile.ReadAllBytes(_options.ModelFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelFileException($"Text model '{_options.ModelFile}' cannot be read: {e.Message}", e);
        }
        // Opened once on the CPU so that a wrong file fails here, not at Fit; the transformer opens its own session.
        using var check = TextGenerator.Load(_model, $"'{_options.ModelFile}'", ExecutionProvider.Cpu, intraOpThreads: 1, _ => { });
    }

    /// <summary>Checks <paramref name="input"/>'s prompt column and creates the transformer (and its session).</summary>
    /// <exception cref="DataException">The prompt column is missing or not text.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot start.</exception>
    public TextGenerationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        TextGenerationMapping.CheckPrompt(input.Schema, _options);
        return TextGenerationTransformer.Create(_options, _model);
    }

    /// <summary>The input shape plus the continuation column (text).</summary>
    /// <exception cref="DataException">The prompt column is missing or not a text scalar.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        string name = _options.InputColumnName;
        var prompt = inputSchema.FirstOrDefault(c => c.Name == name);
        if (prompt.Name is null)
            throw new DataException($"Prompt column '{name}' is not in the input; it has {string.Join(", ", inputSchema.Select(c => $"'{c.Name}'"))}.");
        if (prompt.Kind != SchemaShape.Column.VectorKind.Scalar || prompt.IsKey || prompt.ItemType is not TextDataViewType)
            throw new DataException($"Prompt column '{name}' must be a text (String) scalar, got {prompt.ItemType}{(prompt.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}{(prompt.IsKey ? " key" : "")}.");
        return SchemaShapes.WithText(inputSchema, _options.OutputColumnName);
    }
}
