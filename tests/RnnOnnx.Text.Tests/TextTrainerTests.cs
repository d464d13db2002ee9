using System.Text.Json;
using RnnOnnx.Training;

namespace RnnOnnx.Text.Tests;

/// <summary>A library user trains, saves, loads and runs a text model without the CLI.</summary>
public sealed class TextTrainerTests : IDisposable
{
    private const string Corpus = "the cat sat on the mat. the dog sat on the log. ";
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-texttrainer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    private static readonly TextTrainingOptions Tiny = new() { Embedding = 8, Units = 24, Epochs = 25, BatchSize = 8, Window = 16, LearningRate = 0.02f, Seed = 3, ValidationSplit = 0.1 };

    [Fact]
    public void Train_save_load_generate_is_deterministic_and_reports_progress()
    {
        string text = string.Concat(Enumerable.Repeat(Corpus, 30));
        var recorder = new Recorder();
        using var model = TextTrainer.Train(text, Tiny, recorder);
        using var again = TextTrainer.Train(text, Tiny);
        Assert.Equal(model.OnnxModel, again.OnnxModel);
        Assert.Equal(16, model.Window);
        Assert.NotNull(model.Report!.ValidationBitsPerChar);

        var epochs = recorder.Reports.Where(r => r.Kind == TrainingProgressKind.Epoch).ToList();
        Assert.Equal(Enumerable.Range(1, 25), epochs.Select(e => e.Epoch));
        Assert.All(epochs, e => Assert.Equal("chars", e.Unit));
        Assert.Equal(1.0, epochs[^1].Fraction);
        Assert.All(epochs, e => Assert.NotNull(e.ValidationLoss));
        Assert.StartsWith("text: ", recorder.Reports[0].Message, StringComparison.Ordinal);

        string path = Path.Combine(_folder, "tiny.onnx");
        model.Save(path);
        using var loaded = TextModel.Load(path);
        Assert.Equal(model.OnnxModel, loaded.OnnxModel);
        Assert.Equal(model.Vocabulary.Characters, loaded.Vocabulary.Characters);
        Assert.Null(loaded.Report);
        string greedy = loaded.Generator.Generate("the c", 20, new SamplingOptions { Temperature = 0 });
        Assert.StartsWith("at sat on the", greedy, StringComparison.Ordinal); // the continuation of the prompt
    }

    [Fact]
    public void A_cancelled_run_leaves_a_checkpoint_that_resumes_to_the_same_model()
    {
        string text = string.Concat(Enumerable.Repeat(Corpus, 30));
        var options = Tiny with { Epochs = 4 };
        using var whole = TextTrainer.Train(text, options);
        string checkpoint = Path.Combine(_folder, "cut.ckpt");
        using var cancel = new CancellationTokenSource();
        var stopAfterEpoch2 = new StopAt(2, cancel);
        Assert.ThrowsAny<OperationCanceledException>(() => TextTrainer.Train(text, options with { CheckpointPath = checkpoint }, stopAfterEpoch2, cancel.Token));
        Assert.True(File.Exists(checkpoint));
        using var resumed = TextTrainer.Train(text, options with { CheckpointPath = checkpoint, ResumeFrom = checkpoint });
        Assert.Equal(whole.OnnxModel, resumed.OnnxModel);
    }

    private sealed class StopAt(int epoch, CancellationTokenSource cancel) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Kind == TrainingProgressKind.Epoch && value.Epoch == epoch) cancel.Cancel();
        }
    }

    [Fact]
    public void Options_are_json_with_the_recipe_names_and_checked_by_name()
    {
        using var doc = JsonDocument.Parse("""{"architecture": {"embedding": 4, "units": 9, "layers": 2}, "optimizer": "adamw", "lr": 0.5, "batch": 5, "validation": 0.25}""");
        var options = OptionsJson.Deserialize<TextTrainingOptions>(doc.RootElement, "options.json");
        Assert.Equal(new TextTrainingOptions { Embedding = 4, Units = 9, Layers = 2, Optimizer = TextOptimizer.AdamW, LearningRate = 0.5f, BatchSize = 5, ValidationSplit = 0.25 }, options);
        using var again = JsonDocument.Parse(JsonSerializer.Serialize(options, OptionsJson.Options));
        Assert.Equal(options, OptionsJson.Deserialize<TextTrainingOptions>(again.RootElement, "again"));
        var e = Assert.Throws<ArgumentException>(() => TextTrainer.Train("abc", new TextTrainingOptions { Window = 0 }));
        Assert.Contains("TextTrainingOptions.Window (\"window\") must be at least 1, got 0", e.Message, StringComparison.Ordinal);
    }
}
