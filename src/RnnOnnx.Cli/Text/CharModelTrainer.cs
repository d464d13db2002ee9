using System.Diagnostics;
using System.Globalization;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.ML.Text;
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

    /// <param name="stop">The user's request to stop (Ctrl+C). It is passed on to the trainer only at a safe point: see <see cref="SafeToStop"/>.</param>
    public static Result Train(TextRecipe recipe, string outPath, string? resumeFrom, Action<string> progress, CancellationToken stop)
    {
        using var cancel = new CancellationTokenSource();
        string text = CharVocabulary.Normalize(TrainingText.Read(recipe.Data));
        var vocabulary = CharVocabulary.Build(text);
        var ids = vocabulary.Encode(text);
        var (train, validation) = TextWindows.Split(ids, recipe.Window, recipe.Validation);
        var model = Build(recipe, vocabulary.Count);
        progress(string.Create(CultureInfo.InvariantCulture,
            $"text: {ids.Length} characters, vocabulary {vocabulary.Count}; {train.Count} training windows of {recipe.Window}, {validation?.Count ?? 0} validation"));
        long charsPerEpoch = (long)train.Count * recipe.Window;
        string checkpoint = CheckpointPath(outPath);
        var clock = Stopwatch.StartNew();
        var history = model.Fit(train, new FitOptions
        {
            Epochs = recipe.Epochs, BatchSize = recipe.Batch, Seed = recipe.Seed,
            CheckpointPath = checkpoint, ResumeFrom = resumeFrom, CancellationToken = cancel.Token,
            OnBatchEnd = b => { if (stop.IsCancellationRequested && SafeToStop(b)) cancel.Cancel(); },
            // Never stops early. It is here because Core's checkpoint writer fails on the initial best loss of
            // +Infinity (not valid JSON) when no EarlyStopping has recorded a finite one; see the report on issue #8.
            EarlyStopping = new EarlyStopping(patience: int.MaxValue, restoreBestWeights: false),
            OnEpochEnd = e => progress(string.Create(CultureInfo.InvariantCulture,
                $"epoch {e.Epoch}/{e.Epochs}  loss {e.Loss:F4}  val_bpc {(e.ValidationLoss is { } v ? (v / Math.Log(2)).ToString("F4", CultureInfo.InvariantCulture) : "-")}  {charsPerEpoch / Math.Max(1e-9, e.Elapsed.TotalSeconds):F0} chars/s  {e.Elapsed.TotalSeconds:F1} s")),
        }, validation);
        var config = vocabulary.ToConfigJson(new Dictionary<string, int> { ["window"] = recipe.Window });
        OnnxExporter.Export(model, outPath, new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = "generate", Config = config });
        double? bpc = history.ValidationLoss.Count > 0 ? history.ValidationLoss[^1] / Math.Log(2) : null;
        return new Result(model, vocabulary, bpc, history.Loss.Count > 0 ? history.Loss[^1] : double.NaN, clock.Elapsed);
    }

    /// <summary>
    /// Whether cancelling after this batch leaves a checkpoint that resumes exactly. Two limits of Core's fit loop
    /// (reported on issue #8) decide it: a checkpoint cannot be written before the first epoch has ended (its best loss
    /// is still +Infinity, which its JSON writer refuses), and one written before the first batch of an epoch stores the
    /// random state after that epoch's shuffle, so a resumed run shuffles again differently. Stopping after a batch
    /// that is not an epoch's last one avoids both; tiny data with one batch per epoch stops anyway.
    /// </summary>
    internal static bool SafeToStop(BatchProgress b) => b.Epoch >= 2 && (b.Batch < b.Batches || b.Batches == 1);

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
