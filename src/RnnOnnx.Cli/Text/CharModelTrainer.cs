using System.Diagnostics;
using System.Globalization;
using RnnOnnx.Cli.Training;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Text;
using RnnOnnx.Onnx;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Cli.Text;

/// <summary>
/// Trains a character language model from a <see cref="TextRecipe"/> — Embedding → LSTM × layers (all returning
/// sequences) → Dense(vocabulary) logits, softmax cross-entropy at every step — and exports its step graph.
/// </summary>
internal static class CharModelTrainer
{
    /// <summary>Result of a run, for the caller's summary line and model card.</summary>
    public sealed record Result(Sequential Model, CharVocabulary Vocabulary, double? ValidationBitsPerChar, double Loss, TimeSpan Elapsed);

    /// <param name="progress">Gets the data summary and one line per epoch, and the pace after every batch.</param>
    /// <param name="stop">The user's request to stop (Ctrl+C): training stops after the current batch with a checkpoint that resumes exactly.</param>
    public static Result Train(TextRecipe recipe, string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop)
    {
        string text = CharVocabulary.Normalize(TrainingText.Read(recipe.Data));
        var vocabulary = CharVocabulary.Build(text);
        var ids = vocabulary.Encode(text);
        var (train, validation) = TextWindows.Split(ids, recipe.Window, recipe.Validation);
        var model = Build(recipe, vocabulary.Count);
        progress.Line(string.Create(CultureInfo.InvariantCulture,
            $"text: {ids.Length} characters, vocabulary {vocabulary.Count}; {train.Count} training windows of {recipe.Window}, {validation?.Count ?? 0} validation"));
        long charsPerEpoch = (long)train.Count * recipe.Window;
        var pace = new TrainingPace(charsPerEpoch * recipe.Epochs);
        string checkpoint = CheckpointPath(outPath);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(train, new FitOptions
        {
            Epochs = recipe.Epochs, BatchSize = recipe.Batch, Seed = recipe.Seed,
            CheckpointPath = checkpoint, ResumeFrom = resumeFrom, CancellationToken = stop,
            OnBatchEnd = b =>
            {
                long done = (b.Epoch - 1) * charsPerEpoch + Math.Min(charsPerEpoch, (long)b.Batch * recipe.Batch * recipe.Window);
                pace.Observe(done, clock.Elapsed);
                progress.Batch(string.Create(CultureInfo.InvariantCulture, $"epoch {b.Epoch}/{recipe.Epochs}  batch {b.Batch}/{b.Batches}  loss {b.Loss:F4}"), pace, "chars");
            },
            OnEpochEnd = e => progress.Line(string.Create(CultureInfo.InvariantCulture,
                $"epoch {e.Epoch}/{e.Epochs}  loss {e.Loss:F4}  val_bpc {(e.ValidationLoss is { } v ? (v / Math.Log(2)).ToString("F4", CultureInfo.InvariantCulture) : "-")}  {pace.Describe("chars")}  {e.Elapsed.TotalSeconds:F1} s")),
        }, validation);
        var config = vocabulary.ToConfigJson(new Dictionary<string, int> { ["window"] = recipe.Window });
        OnnxExporter.Export(model, outPath, new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = ModelTask.Generate, Config = config });
        double? bpc = history.ValidationLoss.Count > 0 ? history.ValidationLoss[^1] / Math.Log(2) : null;
        return new Result(model, vocabulary, bpc, history.Loss.Count > 0 ? history.Loss[^1] : double.NaN, clock.Elapsed);
    }

    /// <summary>The per-epoch checkpoint lives next to the model so that `--resume` is easy to find.</summary>
    public static string CheckpointPath(string outPath) => outPath + ".ckpt";

    public static Sequential Build(TextRecipe recipe, int vocabulary)
    {
        var model = new Sequential(new Embedding(vocabulary, recipe.Embedding));
        for (int i = 0; i < recipe.Layers; i++) model.Add(new Lstm(recipe.Units, returnSequences: true));
        model.Add(new Dense(vocabulary));
        float? clip = recipe.Clip > 0 ? recipe.Clip : null;
        Optimizer optimizer = recipe.Optimizer switch
        {
            "adam" => new Adam(recipe.LearningRate) { GlobalClipNorm = clip },
            "adamw" => new AdamW(recipe.LearningRate) { GlobalClipNorm = clip },
            "sgd" => new Sgd(recipe.LearningRate) { GlobalClipNorm = clip },
            _ => new RmsProp(recipe.LearningRate) { GlobalClipNorm = clip },
        };
        model.Compile(optimizer, new SoftmaxCrossEntropy());
        return model;
    }
}
