using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Captioning;

namespace RnnOnnx.ML.Captioning;

/// <summary>
/// Estimator of <see cref="CaptioningCatalogExtensions.GenerateCaption(TransformsCatalog, GenerateCaptionOptions)"/>:
/// nothing is trained; <see cref="Fit"/> opens the captioner and checks the image column.
/// </summary>
public sealed class CaptionEstimator : IEstimator<CaptionTransformer>
{
    private readonly GenerateCaptionOptions _options;

    internal CaptionEstimator(GenerateCaptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Opens the model and checks <paramref name="input"/>'s image column.</summary>
    /// <exception cref="ModelFileException">The model files are missing or not a captioner.</exception>
    /// <exception cref="DataException">The image column is missing, not a float vector, or of the wrong size.</exception>
    public CaptionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = CaptionModel.Load(_options.ModelPath, _options.ExecutionProvider);
        var transformer = new CaptionTransformer(_options, model);
        try
        {
            transformer.GetOutputSchema(input.Schema);
            return transformer;
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
    }

    /// <summary>The input shape plus the caption and error columns (text).</summary>
    /// <exception cref="DataException">The image column is missing or not a float vector.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => CheckImageColumn(inputSchema, _options.InputColumnName, _options.OutputColumnName, _options.ErrorColumnName);

    internal static SchemaShape CheckImageColumn(SchemaShape inputSchema, string column, params string[] outputs)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var pixels = inputSchema.FirstOrDefault(c => c.Name == column);
        if (pixels.Name is null)
            throw new DataException($"Image column '{column}' is not in the input; it has {string.Join(", ", inputSchema.Select(c => $"'{c.Name}'"))}. Make it with LoadImages → ResizeImages → ExtractPixels.");
        if (pixels.Kind == SchemaShape.Column.VectorKind.Scalar || pixels.ItemType != NumberDataViewType.Single)
            throw new DataException($"Image column '{column}' must be a vector of Single (ExtractPixels' output), got {pixels.ItemType}{(pixels.Kind == SchemaShape.Column.VectorKind.Scalar ? " scalar" : "")}.");
        return SchemaShapes.WithText(inputSchema, outputs);
    }
}
