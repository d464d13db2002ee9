using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Captioning;

namespace RnnOnnx.ML.Captioning;

/// <summary>
/// Captions each row's image with a <see cref="CaptionModel"/> on ONNX Runtime: <see cref="Transform"/> captions
/// <see cref="GenerateCaptionOptions.BatchSize"/> rows together (one encoder call, then one decoder call per word for the
/// whole batch and beam), a <c>PredictionEngine</c> one row at a time. Adds a caption column and an error column; a row
/// whose image cannot be read gets an empty caption and the reason, and never fails its batch.
/// </summary>
/// <remarks>
/// The transformer owns the model's sessions, shared by its cursors, prediction engines and threads; dispose it to free
/// them. ML.NET cannot save third-party transformers: keep the model files and make the transform again from them.
/// </remarks>
public sealed class CaptionTransformer : ITransformer, IDisposable
{
    private bool _disposed;

    internal CaptionTransformer(GenerateCaptionOptions options, CaptionModel model, bool ownsModel = true)
    {
        Options = options;
        Model = model;
        _ownsModel = ownsModel;
    }

    private readonly bool _ownsModel;

    /// <summary>The same model searching differently; it shares the model's sessions and does not dispose them.</summary>
    internal CaptionTransformer WithSearch(CaptionOptions search)
    {
        var options = Options with { Search = search };
        options.Validate();
        return new CaptionTransformer(options, Model, ownsModel: false);
    }

    /// <summary>The captioner this transform runs.</summary>
    public CaptionModel Model { get; }

    /// <summary>The options it was made with.</summary>
    public GenerateCaptionOptions Options { get; }

    /// <summary>True: rows are independent, so <c>PredictionEngine</c> can run the transform.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the caption and error columns.</summary>
    /// <exception cref="DataException">The image column is missing, not a float vector, or of the wrong size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>Maps rows one at a time (what <c>PredictionEngine</c> uses).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new BatchedTextRowMapper<CaptionMapping.Input>(Bind(inputSchema));

    /// <summary>Adds the caption and error columns to <paramref name="input"/>, computed lazily a batch of rows at a time.</summary>
    /// <exception cref="DataException">The image column is missing, not a float vector, or of the wrong size.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchedTextDataView<CaptionMapping.Input>(Bind(input.Schema), input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "ML.NET cannot save third-party transformers: keep the captioner's two .onnx files and make the transform again with mlContext.Transforms.GenerateCaption(...).");

    /// <summary>Frees the ONNX Runtime sessions.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsModel) Model.Dispose();
    }

    private CaptionMapping Bind(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return CaptionMapping.Bind(Model, Options, schema);
    }
}
