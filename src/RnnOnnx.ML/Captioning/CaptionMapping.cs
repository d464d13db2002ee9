using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Captioning;

namespace RnnOnnx.ML.Captioning;

/// <summary>
/// The caption and error columns of a <see cref="CaptionTransformer"/> bound to one input schema. A row whose image
/// cannot be read (a missing or undecodable file makes ML.NET's LoadImages throw when the row is read) or has the
/// wrong size gets an empty caption and the reason in the error column; the other rows of its batch are captioned.
/// </summary>
internal sealed class CaptionMapping : BatchedTextMapping<CaptionMapping.Input>
{
    internal readonly record struct Input(float[]? Pixels, string Error);

    private readonly CaptionModel _model;
    private readonly GenerateCaptionOptions _options;
    private readonly DataViewSchema.Column _pixels;

    private CaptionMapping(CaptionModel model, GenerateCaptionOptions options, DataViewSchema inputSchema, DataViewSchema.Column pixels, DataViewSchema outputSchema)
    {
        (_model, _options, InputSchema, _pixels, OutputSchema) = (model, options, inputSchema, pixels, outputSchema);
        OutputIndices = [outputSchema[options.OutputColumnName].Index, outputSchema[options.ErrorColumnName].Index];
    }

    public override DataViewSchema InputSchema { get; }

    public override DataViewSchema OutputSchema { get; }

    public override IReadOnlyList<int> OutputIndices { get; }

    public override IReadOnlyList<DataViewSchema.Column> ReadColumns => [_pixels];

    public override int BatchSize => _options.BatchSize;

    /// <exception cref="DataException">The image column is missing, not a float vector, or of a fixed size other than the model's.</exception>
    public static CaptionMapping Bind(CaptionModel model, GenerateCaptionOptions options, DataViewSchema schema)
    {
        var pixels = ImageColumn(schema, options.InputColumnName);
        var vector = (VectorDataViewType)pixels.Type;
        if (vector.Size > 0 && vector.Size != model.InputLength)
            throw new DataException($"Image column '{options.InputColumnName}' holds {vector.Size} values per row; the captioner takes {model.DescribeInput()}.");
        var builder = new DataViewSchema.Builder();
        // All input columns, even one named like an output (it becomes hidden): the cursors map output indices to
        // input columns by position, so the input part of the schema must keep every index.
        builder.AddColumns(schema);
        builder.AddColumn(options.OutputColumnName, TextDataViewType.Instance);
        builder.AddColumn(options.ErrorColumnName, TextDataViewType.Instance);
        return new CaptionMapping(model, options, schema, pixels, builder.ToSchema());
    }

    /// <summary>The image (or feature) column: present and a vector of Single, what captioning and training read.</summary>
    /// <exception cref="DataException">The column is missing or of another type.</exception>
    internal static DataViewSchema.Column ImageColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new DataException($"Image column '{name}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}. " +
                                       "Make it with LoadImages → ResizeImages → ExtractPixels.");
        return column.Type is VectorDataViewType { ItemType: NumberDataViewType n } && n.RawType == typeof(float) ? column
            : throw new DataException($"Image column '{name}' must be a vector of Single (ExtractPixels' output), got {column.Type}.");
    }

    public override Func<Input> Reader(DataViewRow row)
    {
        var getter = row.GetGetter<VBuffer<float>>(_pixels);
        VBuffer<float> value = default;
        return () =>
        {
            try
            {
                getter(ref value);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new Input(null, $"the image could not be read: {(e.InnerException ?? e).Message}");
            }
            if (value.Length != _model.InputLength)
                return new Input(null, value.Length == 0
                    ? "the image is empty (no file, or a file that is not an image)"
                    : $"the image has {value.Length} values, expected {_model.DescribeInput()}");
            var pixels = value.DenseValues().ToArray();
            int bad = Array.FindIndex(pixels, v => !float.IsFinite(v));
            return bad >= 0 ? new Input(null, $"pixel {bad} is {pixels[bad]}") : new Input(pixels, "");
        };
    }

    public override string[][] Compute(IReadOnlyList<Input> rows)
    {
        var good = Enumerable.Range(0, rows.Count).Where(i => rows[i].Pixels is not null).ToArray();
        var captions = _model.Caption(good.Select(i => rows[i].Pixels!).ToArray(), _options.Search);
        var caption = new string[rows.Count];
        Array.Fill(caption, "");
        for (int j = 0; j < good.Length; j++) caption[good[j]] = captions[j];
        return [caption, rows.Select(r => r.Error).ToArray()];
    }
}
