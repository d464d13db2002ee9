using Microsoft.ML;
using RnnOnnx.Training;
using RnnOnnx.Captioning;
using RnnOnnx.ML.Captioning;

namespace RnnOnnx.ML;

/// <summary>
/// Image captioning in ML.NET pipelines, after ML.NET's image transforms:
/// <code>
/// var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder, "Path")
///     .Append(mlContext.Transforms.ResizeImages("Image", 64, 64))
///     .Append(mlContext.Transforms.ExtractPixels("Pixels", "Image"))
///     .Append(mlContext.Transforms.GenerateCaption(new GenerateCaptionOptions { ModelPath = "models/caption", Search = new() { BeamWidth = 3 } }));
/// </code>
/// </summary>
public static class CaptioningCatalogExtensions
{
    /// <summary>Captions images with a trained captioner (see <see cref="CaptionTransformer"/>).</summary>
    public static CaptionEstimator GenerateCaption(this TransformsCatalog catalog, GenerateCaptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CaptionEstimator(options);
    }

    /// <summary>Captions images with the captioner at <paramref name="modelPath"/> (file or folder).</summary>
    public static CaptionEstimator GenerateCaption(this TransformsCatalog catalog, string modelPath, string outputColumnName = "Caption", string inputColumnName = "Pixels", int beamWidth = 1) =>
        catalog.GenerateCaption(new GenerateCaptionOptions
        {
            ModelPath = modelPath, OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Search = new CaptionOptions { BeamWidth = beamWidth },
        });

    /// <summary>
    /// Trains a captioner on an image column and a caption column when fitted, writes it to <paramref name="options"/>'
    /// <see cref="GenerateCaptionOptions.ModelPath"/>, and returns the transform that runs it.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Where to write the model, the columns, and how to caption afterwards.</param>
    /// <param name="captionColumnName">The text column holding each image's caption.</param>
    /// <param name="training">Architecture and training options, with checkpointing (defaults suit 64×64 images).</param>
    /// <param name="progress">Receives <see cref="CaptionTrainer"/>'s progress and warnings when fitted.</param>
    /// <param name="cancellationToken">Stops training between batches.</param>
    public static CaptionTrainingEstimator TrainCaptioner(this TransformsCatalog catalog, GenerateCaptionOptions options, string captionColumnName = "Text",
                                                          CaptionTrainingOptions? training = null, IProgress<TrainingProgress>? progress = null,
                                                          CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CaptionTrainingEstimator(options, captionColumnName, training ?? new CaptionTrainingOptions(), progress, cancellationToken);
    }
}
