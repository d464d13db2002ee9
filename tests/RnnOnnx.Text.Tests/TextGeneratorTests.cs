using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Text;
using RnnOnnx.Onnx;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Text.Tests;

public sealed class TextGeneratorTests : IDisposable
{
    private const string Corpus = "the cat sat on the mat. the dog sat on the log. ";
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-textgen-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (Sequential Model, CharVocabulary Vocabulary, string Path) TrainTiny(ModelTask task = ModelTask.Generate)
    {
        string text = string.Concat(Enumerable.Repeat(Corpus, 30));
        var vocabulary = CharVocabulary.Build(text);
        var data = TextWindows.Create(vocabulary.Encode(text), window: 16);
        var model = new Sequential(new Embedding(vocabulary.Count, 8), new Lstm(24, returnSequences: true), new Lstm(16, returnSequences: true), new Dense(vocabulary.Count));
        model.Compile(new Adam(0.02f), new SoftmaxCrossEntropy());
        model.Fit(data, new FitOptions { Epochs = 30, BatchSize = 8, Seed = 3 });
        string path = Path.Combine(_folder, task.ToMetadataName() + ".onnx");
        OnnxExporter.Export(model, path, new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = task, Config = vocabulary.ToConfigJson() });
        return (model, vocabulary, path);
    }

    [Fact]
    public void Greedy_generation_on_onnx_runtime_equals_the_trainers_argmax_continuation()
    {
        var (model, vocabulary, path) = TrainTiny();
        const string prompt = "the d";
        using var generator = TextGenerator.Load(path);
        var streamed = new List<string>();
        string generated = generator.Generate(prompt, 40, new SamplingOptions { Temperature = 0 }, streamed.Add);
        Assert.Equal(generated, string.Concat(streamed));

        // The trainer's own forward pass, one step at a time with states carried: the reference continuation.
        var ids = vocabulary.Encode(prompt);
        IReadOnlyList<Tensor>? states = null;
        var output = model.Predict(new Tensor(ids.Select(i => (float)i).ToArray(), 1, ids.Length), states, out states);
        var expected = new List<int>();
        for (int n = 0; n < 40; n++)
        {
            var last = output.Data.AsSpan((ids.Length - 1) * vocabulary.Count, vocabulary.Count);
            int next = CharSampler.ArgMax(last);
            expected.Add(next);
            ids = [next];
            output = model.Predict(new Tensor([next], 1, 1), states, out states);
        }
        Assert.Equal(vocabulary.Decode(expected), generated);
        Assert.Contains("sat on the", generated, StringComparison.Ordinal); // it learned the corpus, so the check is not vacuous
    }

    [Fact]
    public void Sampling_is_deterministic_for_a_seed_and_prompts_outside_the_vocabulary_are_named()
    {
        var (_, _, path) = TrainTiny();
        using var generator = TextGenerator.Load(path);
        var options = new SamplingOptions { Temperature = 1.2f, TopK = 5, Seed = 9 };
        string a = generator.Generate("", 60, options);
        Assert.Equal(60, a.Length);
        Assert.Equal(a, generator.Generate("", 60, options));
        Assert.NotEqual(a, generator.Generate("", 60, options with { Seed = 10 }));
        var e = Assert.Throws<DataException>(() => generator.Generate("the Cat!", 5, options));
        Assert.Contains("'C' (U+0043)", e.Message, StringComparison.Ordinal);
        Assert.Contains("'!' (U+0021)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_of_another_task_or_not_onnx_are_refused()
    {
        var (_, _, path) = TrainTiny(ModelTask.Forecast);
        Assert.Contains("not a text-generation model", Assert.Throws<ModelFileException>(() => TextGenerator.Load(path)).Message, StringComparison.Ordinal);
        string junk = Path.Combine(_folder, "junk.onnx");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5]);
        Assert.Throws<ModelFileException>(() => TextGenerator.Load(junk));
    }
}
