using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Text;
using RnnOnnx.ML.Text;

namespace RnnOnnx.ML.Tests.Text;

/// <summary>mlContext.Transforms.GenerateText over the shipped KJV character model.</summary>
public sealed class GenerateTextTests
{
    private static readonly string Model = Repository.File("models", "textgen", "kjv-char.onnx");
    private readonly MLContext _ml = new(seed: 1);

    public sealed class PromptRow
    {
        public int Id { get; set; }
        public string Prompt { get; set; } = "";
    }

    public sealed class Continued
    {
        public int Id { get; set; }
        public string Continuation { get; set; } = "";
    }

    private static readonly string[] Prompts =
    [
        "And God said unto", "In the beginning", "", "And", "And the LORD", "Moses", "And God said unto", "In the beginning",
    ];

    private IDataView Data(IEnumerable<string> prompts) =>
        _ml.Data.LoadFromEnumerable(prompts.Select((p, i) => new PromptRow { Id = i, Prompt = p }).ToList());

    private static List<(int Id, string Text)> Read(IDataView scored)
    {
        var result = new List<(int, string)>();
        using var cursor = scored.GetRowCursor([scored.Schema["Id"], scored.Schema["Continuation"]]);
        var id = cursor.GetGetter<int>(scored.Schema["Id"]);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Continuation"]);
        int i = 0;
        ReadOnlyMemory<char> t = default;
        while (cursor.MoveNext())
        {
            id(ref i);
            text(ref t);
            result.Add((i, t.ToString()));
        }
        return result;
    }

    [Fact]
    public void Batched_pipeline_output_equals_TextGenerator_row_by_row_for_prompts_of_any_length()
    {
        var sampling = new SamplingOptions { Temperature = 0.8f, TopK = 10, Seed = 5 };
        var pipeline = _ml.Transforms.Concatenate("Copy", "Id")
            .Append(_ml.Transforms.GenerateText("Continuation", "Prompt", Model, length: 40, sampling, batchSize: 3));
        using var model = pipeline.Fit(Data(Prompts));
        var rows = Read(model.Transform(Data(Prompts)));

        using var generator = TextGenerator.Load(Model);
        Assert.Equal(Enumerable.Range(0, Prompts.Length), rows.Select(r => r.Id));
        for (int i = 0; i < Prompts.Length; i++)
            Assert.Equal(generator.Generate(Prompts[i], 40, sampling), rows[i].Text);
        Assert.All(rows, r => Assert.Equal(40, r.Text.Length));
        // The seed is per row: a repeated prompt gets the same text, other prompts get other texts.
        Assert.Equal(rows[0].Text, rows[6].Text);
        Assert.NotEqual(rows[0].Text, rows[1].Text);

        // Row order and batching change nothing: reversed rows, one row per batch.
        var reversed = Prompts.Reverse().ToArray();
        using var single = _ml.Transforms.GenerateText("Continuation", "Prompt", Model, length: 40, sampling, batchSize: 1).Fit(Data(reversed));
        var again = Read(single.Transform(Data(reversed)));
        for (int i = 0; i < reversed.Length; i++) Assert.Equal(rows[Prompts.Length - 1 - i].Text, again[i].Text);

        // The batched list API agrees as well.
        Assert.Equal(rows.Select(r => r.Text), generator.Generate(Prompts, 40, sampling));
    }

    [Fact]
    public void Greedy_generation_is_deterministic_and_continues_the_text()
    {
        var greedy = new SamplingOptions { Temperature = 0 };
        using var a = _ml.Transforms.GenerateText("Continuation", "Prompt", Model, length: 60, greedy).Fit(Data(Prompts));
        using var b = _ml.Transforms.GenerateText("Continuation", "Prompt", Model, length: 60, greedy with { Seed = 99 }, batchSize: 2).Fit(Data(Prompts));
        var first = Read(a.Transform(Data(Prompts)));
        Assert.Equal(first, Read(b.Transform(Data(Prompts)))); // greedy ignores the seed
        Assert.Equal(first, Read(a.Transform(Data(Prompts))));
        Assert.Contains("the ", first[0].Text, StringComparison.Ordinal); // a trained model, not random characters
    }

    [Fact]
    public void A_prediction_engine_gives_each_row_the_batched_text()
    {
        var sampling = new SamplingOptions { Temperature = 1f, TopP = 0.9f, Seed = 3 };
        var data = Data(Prompts);
        using var transformer = _ml.Transforms.GenerateText("Continuation", "Prompt", Model, length: 25, sampling).Fit(data);
        var batched = Read(transformer.Transform(data));
        using var engine = _ml.Model.CreatePredictionEngine<PromptRow, Continued>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        for (int i = 0; i < Prompts.Length; i++)
            Assert.Equal(batched[i].Text, engine.Predict(new PromptRow { Id = i, Prompt = Prompts[i] }).Continuation);
    }

    [Fact]
    public void Unknown_characters_name_the_row_and_the_characters()
    {
        var data = Data(["And God", "said", "Hallo @ world #", "x"]);
        using var transformer = _ml.Transforms.GenerateText("Continuation", "Prompt", Model, length: 5).Fit(data);
        var e = Assert.Throws<DataException>(() => Read(transformer.Transform(data)));
        Assert.Contains("Prompt column 'Prompt', row 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("'#' (U+0023)", e.Message, StringComparison.Ordinal);
        Assert.Contains("'@' (U+0040)", e.Message, StringComparison.Ordinal);
        Assert.Contains("characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_or_wrongly_typed_prompt_columns_fail_at_fit_and_schema_time()
    {
        var numbers = _ml.Data.LoadFromEnumerable(new[] { new { Prompt = 1f } });
        var estimator = _ml.Transforms.GenerateText("Continuation", "Prompt", Model);
        Assert.Contains("must be a text (String) scalar, got Single", Assert.Throws<DataException>(() => estimator.Fit(numbers)).Message, StringComparison.Ordinal);
        Assert.Contains("must be a text (String) scalar", Assert.Throws<DataException>(() => estimator.GetOutputSchema(SchemaShapes.WithSingleVector(new SchemaShape([]), "Prompt", knownSize: true))).Message, StringComparison.Ordinal);

        var other = _ml.Transforms.GenerateText("Continuation", "Text", Model);
        Assert.Contains("Prompt column 'Text' is not in the input; it has 'Id', 'Prompt'", Assert.Throws<DataException>(() => other.Fit(Data(["a"]))).Message, StringComparison.Ordinal);
        Assert.Throws<DataException>(() => other.GetOutputSchema(SchemaShapes.WithText(new SchemaShape([]), "Prompt")));

        var shape = estimator.GetOutputSchema(SchemaShapes.WithText(new SchemaShape([]), "Prompt"));
        Assert.Contains(shape, c => c.Name == "Continuation" && c.ItemType is TextDataViewType && c.Kind == SchemaShape.Column.VectorKind.Scalar);
    }

    [Fact]
    public void Bad_options_and_models_are_refused_when_the_estimator_is_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.GenerateText("C", "Prompt", Model, length: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.GenerateText("C", "Prompt", Model, batchSize: 0));
        Assert.Contains("--top-p", Assert.Throws<ArgumentException>(() => _ml.Transforms.GenerateText("C", "Prompt", Model, sampling: new SamplingOptions { TopP = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("cannot be read", Assert.Throws<ModelFileException>(() => _ml.Transforms.GenerateText("C", "Prompt", Model + ".missing")).Message, StringComparison.Ordinal);
        string notModel = Repository.File("models", "textgen", "recipe.json");
        Assert.Contains("is not a model ONNX Runtime can load", Assert.Throws<ModelFileException>(() => _ml.Transforms.GenerateText("C", "Prompt", notModel)).Message, StringComparison.Ordinal);
    }
}
