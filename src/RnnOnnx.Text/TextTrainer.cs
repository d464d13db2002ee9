using System.Globalization;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Onnx;
using RnnOnnx.Optimizers;
using RnnOnnx.Runtime;
using RnnOnnx.Training;

namespace RnnOnnx.Text;

/// <summary>
/// Trains a character language model on a text (<see cref="TextTrainingOptions"/>) with the native trainer and exports
/// its step graph: the <see cref="TextModel"/> that <see cref="TextGenerator"/> runs.
/// <code>
/// using var model = TextTrainer.Train(TrainingText.Read("kjv.txt"), new TextTrainingOptions { Units = 256, Epochs = 20 });
/// model.Save("kjv-char.onnx");
/// </code>
/// </summary>
public static class TextTrainer
{
    /// <summary>Trains on <paramref name="text"/> (normalized first: <see cref="CharVocabulary.Normalize"/>).</summary>
    /// <param name="text">The training text.</param>
    /// <param name="options">How to train (validated first).</param>
    /// <param name="progress">Receives the data summary, batches and epochs (work counted in characters) and warnings, synchronously.</param>
    /// <param name="cancellationToken">Stops training between batches (<see cref="OperationCanceledException"/>), after writing
    /// <see cref="TextTrainingOptions.CheckpointPath"/> when there is one.</param>
    /// <exception cref="DataException">The text is too short for one window.</exception>
    /// <exception cref="ArgumentException">An option is out of range (named with its value).</exception>
    public static TextModel Train(string text, TextTrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var reporter = new TrainingProgressReporter(progress, "chars");
        text = CharVocabulary.Normalize(text);
        var vocabulary = CharVocabulary.Build(text);
        var ids = vocabulary.Encode(text);
        var (train, validation) = TextWindows.Split(ids, options.Window, options.ValidationSplit);
        var model = Build(options, vocabulary.Count);
        reporter.Info(string.Create(CultureInfo.InvariantCulture,
            $"text: {ids.Length} characters, vocabulary {vocabulary.Count}; {train.Count} training windows of {options.Window}, {validation?.Count ?? 0} validation"));
        long charsPerEpoch = (long)train.Count * options.Window;
        reporter.Total = charsPerEpoch * options.Epochs;
        var (onBatch, onEpoch) = reporter.Callbacks("", options.Epochs, 0, charsPerEpoch, (long)options.BatchSize * options.Window);
        var history = model.Fit(train, new FitOptions
        {
            Epochs = options.Epochs, BatchSize = options.BatchSize, Seed = options.Seed,
            CheckpointPath = options.CheckpointPath, ResumeFrom = options.ResumeFrom, CancellationToken = cancellationToken,
            OnBatchEnd = onBatch, OnEpochEnd = onEpoch,
        }, validation);
        var config = vocabulary.ToConfigJson(new Dictionary<string, int> { ["window"] = options.Window });
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = ModelTask.Generate, Config = config });
        var report = new TextTrainingReport(ids.Length, model.ParameterCount, history.Loss.Count > 0 ? history.Loss[^1] : double.NaN,
            history.ValidationLoss.Count > 0 ? history.ValidationLoss[^1] / Math.Log(2) : null, history, reporter.Elapsed);
        return TextModel.Open(onnx, "The trained model", ExecutionProvider.Cpu, reporter.Warn, report);
    }

    private static Sequential Build(TextTrainingOptions options, int vocabulary)
    {
        var model = new Sequential(new Embedding(vocabulary, options.Embedding));
        for (int i = 0; i < options.Layers; i++) model.Add(new Lstm(options.Units, returnSequences: true));
        model.Add(new Dense(vocabulary));
        float? clip = options.Clip > 0 ? options.Clip : null;
        Optimizer optimizer = options.Optimizer switch
        {
            TextOptimizer.Adam => new Adam(options.LearningRate) { GlobalClipNorm = clip },
            TextOptimizer.AdamW => new AdamW(options.LearningRate) { GlobalClipNorm = clip },
            TextOptimizer.Sgd => new Sgd(options.LearningRate) { GlobalClipNorm = clip },
            _ => new RmsProp(options.LearningRate) { GlobalClipNorm = clip },
        };
        model.Compile(optimizer, new SoftmaxCrossEntropy());
        return model;
    }
}

/// <summary>What a text training run did.</summary>
/// <param name="Characters">Characters of the (normalized) text.</param>
/// <param name="Parameters">Weights of the network.</param>
/// <param name="Loss">Training loss of the last epoch (nats per character).</param>
/// <param name="ValidationBitsPerChar">Validation loss of the last epoch in bits per character, or null without validation.</param>
/// <param name="History">Loss per epoch.</param>
/// <param name="Elapsed">Wall-clock training time.</param>
public sealed record TextTrainingReport(int Characters, long Parameters, double Loss, double? ValidationBitsPerChar, History History, TimeSpan Elapsed);
