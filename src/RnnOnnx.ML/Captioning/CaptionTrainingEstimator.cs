using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Training;
using RnnOnnx.Captioning;

namespace RnnOnnx.ML.Captioning;

/// <summary>
/// Estimator of <see cref="CaptioningCatalogExtensions.TrainCaptioner"/>: <see cref="Fit"/> reads the image and caption
/// columns, trains a captioner with the native trainer (<see cref="CaptionTrainer"/>), exports it to ONNX and returns
/// the <see cref="CaptionTransformer"/> that runs it.
/// </summary>
public sealed class CaptionTrainingEstimator : IEstimator<CaptionTransformer>
{
    private readonly GenerateCaptionOptions _options;
    private readonly string _captionColumn;
    private readonly CaptionTrainingOptions _training;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly CancellationToken _cancellationToken;

    internal CaptionTrainingEstimator(GenerateCaptionOptions options, string captionColumn, CaptionTrainingOptions training,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(captionColumn);
        ArgumentNullException.ThrowIfNull(training);
        options.Validate();
        training.Validate();
        (_options, _captionColumn, _training, _progress, _cancellationToken) = (options, captionColumn, training, progress, cancellationToken);
    }

    /// <summary>What the last <see cref="Fit"/> trained (history, vocabulary), or null before it.</summary>
    public CaptionTrainingResult? LastTraining { get; private set; }

    /// <summary>Trains on every row, writes the model to the options' <see cref="GenerateCaptionOptions.ModelPath"/> (and its encoder beside it), and opens it.</summary>
    /// <exception cref="DataException">A column is missing or of the wrong type, or a row's image or caption is unusable (named by row).</exception>
    public CaptionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var schema = input.Schema;
        var pixels = CaptionMapping.ImageColumn(schema, _options.InputColumnName);
        var captions = schema.GetColumnOrNull(_captionColumn)
            ?? throw new DataException($"Caption column '{_captionColumn}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (captions.Type is not TextDataViewType) throw new DataException($"Caption column '{_captionColumn}' must be text, got {captions.Type}.");

        int expected = _training.Encoder == CaptionEncoder.Convolutional ? 3 * _training.ImageHeight * _training.ImageWidth : -1;
        var images = new List<float[]>();
        var texts = new List<string>();
        using (var cursor = input.GetRowCursor([pixels, captions]))
        {
            var getPixels = cursor.GetGetter<VBuffer<float>>(pixels);
            var getCaption = cursor.GetGetter<ReadOnlyMemory<char>>(captions);
            VBuffer<float> image = default;
            ReadOnlyMemory<char> caption = default;
            while (cursor.MoveNext())
            {
                getPixels(ref image);
                getCaption(ref caption);
                if (expected < 0) expected = image.Length; // features: every row as long as the first
                if (image.Length != expected)
                    throw new DataException($"Row {cursor.Position}: column '{_options.InputColumnName}' holds {image.Length} values, expected {expected}" +
                                            (_training.Encoder == CaptionEncoder.Convolutional ? $" (3×{_training.ImageHeight}×{_training.ImageWidth} pixels)." : " (as many features as row 0)."));
                images.Add(image.DenseValues().ToArray());
                texts.Add(caption.ToString());
            }
        }
        LastTraining = CaptionTrainer.Train(new CaptionTrainingData(images, texts), _training, _progress, _cancellationToken);
        LastTraining.Save(_options.ModelPath);
        return new CaptionEstimator(_options).Fit(input);
    }

    /// <summary>The input shape plus the caption and error columns (text).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => CaptionEstimator.CheckImageColumn(inputSchema, _options.InputColumnName, _options.OutputColumnName, _options.ErrorColumnName);
}
