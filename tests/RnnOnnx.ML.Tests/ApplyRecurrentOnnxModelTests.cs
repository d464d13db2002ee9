using Microsoft.ML;
using RnnOnnx.Training;
using static RnnOnnx.Tests.TestModels;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML.Tests;

/// <summary>The transformer's outputs equal the trainer's forward pass, for every output kind, layout and batching.</summary>
public class ApplyRecurrentOnnxModelTests
{
    private const float Tolerance = 1e-5f;
    private readonly MLContext _ml = new(seed: 1);

    internal static WindowRow[] Windows(int count, int seed = 5) =>
        Enumerable.Range(0, count).Select(i => new WindowRow { Window = Seeded.Floats(seed + i, Steps * Features) }).ToArray();

    private static Tensor Batch(float[][] sequences, int steps)
    {
        var x = Tensor.Zeros(sequences.Length, steps, Features);
        for (int i = 0; i < sequences.Length; i++) sequences[i].AsSpan(0, Math.Min(sequences[i].Length, steps * Features)).CopyTo(x.Data.AsSpan(i * steps * Features));
        return x;
    }

    private static float[] Slice(Tensor y, int row, int step) =>
        y.Rank == 3 ? y.Data.AsSpan((row * y.Dim(1) + step) * y.Dim(2), y.Dim(2)).ToArray() : y.Data.AsSpan(row * y.Dim(1), y.Dim(1)).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(256)]
    public void Last_step_of_fixed_windows_matches_the_trainer_for_any_batch_size(int batchSize)
    {
        var rows = Windows(10);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(WindowRow.Window), ModelBytes = LstmFull, BatchSize = batchSize,
        }).Fit(data);
        var actual = Outputs.Read(transformer.Transform(data), "Output");

        var expected = Lstm.Predict(Batch(rows.Select(r => r.Window).ToArray(), Steps));
        Outputs.Near(rows.Select((_, i) => Slice(expected, i, Steps - 1)).ToArray(), actual, Tolerance);
        Assert.Equal("Vector<Single, 2>", transformer.GetOutputSchema(data.Schema)["Output"].Type.ToString());
    }

    [Fact]
    public void Whole_sequence_output_is_every_step_and_keeps_a_fixed_size_for_fixed_windows()
    {
        var rows = Windows(7);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel("Output", nameof(WindowRow.Window), TestModels.TempFile(LstmFull), RecurrentOutputKind.Sequence, batchSize: 4).Fit(data);
        var scored = transformer.Transform(data);
        Assert.Equal("Vector<Single, 6, 2>", scored.Schema["Output"].Type.ToString());

        var expected = Lstm.Predict(Batch(rows.Select(r => r.Window).ToArray(), Steps));
        Outputs.Near(rows.Select((_, i) => expected.Data.AsSpan(i * Steps * Width, Steps * Width).ToArray()).ToArray(), Outputs.Read(scored, "Output"), Tolerance);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Variable_lengths_pad_into_one_call_or_group_by_length_and_match_the_trainer(bool modelHasLengths)
    {
        int[] lengths = [6, 1, 4, 4, 2, 6, 3, 5, 1, 2, 4];
        var rows = lengths.Select((l, i) => new RaggedRow
        {
            // Padded with garbage past the length: it must be ignored.
            Sequence = [.. Seeded.Floats(100 + i, l * Features), .. Enumerable.Repeat(9f, (i % 3) * Features)],
            Length = l,
        }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(RaggedRow.Sequence), LengthColumnName = nameof(RaggedRow.Length),
            ModelBytes = modelHasLengths ? LstmRagged : LstmFull, BatchSize = 5, Output = RecurrentOutputKind.Sequence,
        }).Fit(data);
        var scored = transformer.Transform(data);
        Assert.Equal("Vector<Single>", scored.Schema["Output"].Type.ToString());
        var actual = Outputs.Read(scored, "Output");

        var expected = Lstm.Predict(Batch(rows.Select(r => r.Sequence).ToArray(), Steps), lengths);
        for (int i = 0; i < rows.Length; i++)
            Outputs.Near(expected.Data.AsSpan(i * Steps * Width, lengths[i] * Width).ToArray(), actual[i], Tolerance, $"row {i}");
    }

    [Fact]
    public void A_model_that_ends_in_a_vector_gives_its_output_for_ragged_rows()
    {
        int[] lengths = [3, 6, 1, 5];
        var rows = lengths.Select((l, i) => new RaggedRow { Sequence = Seeded.Floats(200 + i, l * Features), Length = l }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(RaggedRow.Sequence), ModelBytes = GruLastRagged,
        }).Fit(data);
        var expected = GruLast.Predict(Batch(rows.Select(r => r.Sequence).ToArray(), Steps), lengths);
        Outputs.Near(rows.Select((_, i) => Slice(expected, i, 0)).ToArray(), Outputs.Read(transformer.Transform(data), "Output"), Tolerance);
    }

    [Fact]
    public void Final_state_is_every_state_after_the_last_real_step()
    {
        int[] lengths = [2, 6, 4];
        var rows = lengths.Select((l, i) => new RaggedRow { Sequence = Seeded.Floats(300 + i, l * Features), Length = l }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "State", InputColumnName = nameof(RaggedRow.Sequence), LengthColumnName = nameof(RaggedRow.Length),
            ModelBytes = LstmStepRagged, Output = RecurrentOutputKind.FinalState,
        }).Fit(data);
        var actual = Outputs.Read(transformer.Transform(data), "State");

        Lstm.Predict(Batch(rows.Select(r => r.Sequence).ToArray(), Steps), null, out var states, lengths);
        Assert.Equal(2, states.Count); // h, c
        for (int i = 0; i < rows.Length; i++)
            Outputs.Near([.. states[0].Data.AsSpan(i * Units, Units), .. states[1].Data.AsSpan(i * Units, Units)], actual[i], Tolerance, $"row {i}");
    }

    [Fact]
    public void Token_ids_feed_an_embedding_model_from_int64_columns()
    {
        int[] lengths = [5, 2, 7, 1];
        var rows = lengths.Select((l, i) => new TokenRow { Tokens = Seeded.Ints(400 + i, l, 0, 11).Select(v => (long)v).ToArray() }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = nameof(TokenRow.Tokens), ModelBytes = TokensRagged, BatchSize = 3,
        }).Fit(data);
        var actual = Outputs.Read(transformer.Transform(data), "Output");

        var x = Tensor.Zeros(rows.Length, 7, 1);
        for (int i = 0; i < rows.Length; i++)
            for (int t = 0; t < lengths[i]; t++) x.Data[i * 7 + t] = rows[i].Tokens[t];
        var expected = Tokens.Predict(x, lengths);
        Outputs.Near(rows.Select((_, i) => Slice(expected, i, lengths[i] - 1)).ToArray(), actual, Tolerance);
    }

    [Fact]
    public void Token_ids_can_come_from_MLNET_keys()
    {
        string[] words = ["the", "cat", "sat", "on", "mat"];
        TextRow[] rows = [new() { Words = "the cat sat on the mat".Split(' ') }, new() { Words = ["cat"] }];
        var data = _ml.Data.LoadFromEnumerable(rows);
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("Keys", nameof(TextRow.Words), keyData: _ml.Data.LoadFromEnumerable(words.Select(w => new WordRow { Word = w })))
            .Append(_ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Output", InputColumnName = "Keys", ModelBytes = TokensRagged }));
        using var model = pipeline.Fit(data);
        var actual = Outputs.Read(model.Transform(data), "Output");

        // Key k is id k − 1: "the" = 0, "cat" = 1, ...
        var ids = rows.Select(r => r.Words.Select(w => (float)Array.IndexOf(words, w)).ToArray()).ToArray();
        var x = Tensor.Zeros(2, 6, 1);
        ids[0].CopyTo(x.Data, 0);
        ids[1].CopyTo(x.Data, 6);
        var expected = Tokens.Predict(x, [6, 1]);
        Outputs.Near([Slice(expected, 0, 5), Slice(expected, 1, 0)], actual, Tolerance);
    }

    [Fact]
    public void The_estimator_describes_its_output_column()
    {
        var estimator = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull });
        var shape = _ml.Transforms.CopyColumns("Copy", "Window").Append(estimator).GetOutputSchema(SchemaShapes.WithSingleVector(new SchemaShape([]), "Window", knownSize: true));
        var output = shape.Single(c => c.Name == "Output");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, output.Kind);
        Assert.Equal(Microsoft.ML.Data.NumberDataViewType.Single, output.ItemType);
        Assert.Contains(shape, c => c.Name == "Window");
    }

    [Fact]
    public void Pass_through_columns_and_the_output_stay_on_the_same_row()
    {
        var rows = Windows(11);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Output", InputColumnName = "Window", ModelBytes = LstmFull, BatchSize = 4 }).Fit(data);
        var scored = transformer.Transform(data);
        var window = scored.Schema["Window"];
        var output = scored.Schema["Output"];
        using var cursor = scored.GetRowCursor([window, output]);
        var getWindow = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(window);
        var getOutput = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(output);
        var getId = cursor.GetIdGetter();
        Microsoft.ML.Data.VBuffer<float> w = default, y = default;
        Microsoft.ML.Data.DataViewRowId id = default;
        var model = Lstm;
        var ids = new HashSet<Microsoft.ML.Data.DataViewRowId>();
        int count = 0;
        while (cursor.MoveNext())
        {
            Assert.Equal(count, cursor.Position);
            getOutput(ref y);
            getWindow(ref w);
            getId(ref id);
            Assert.True(ids.Add(id));
            var expected = model.Predict(new Tensor(w.DenseValues().ToArray(), 1, Steps, Features));
            Outputs.Near(Slice(expected, 0, Steps - 1), y.DenseValues().ToArray(), Tolerance, $"row {count++}");
        }
        Assert.Equal(rows.Length, count);
        Assert.Equal(-1, cursor.Position);
    }

    [Fact]
    public void Only_columns_asked_for_are_computed_and_pass_through_columns_stay()
    {
        var rows = Windows(3);
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = _ml.Transforms.ApplyRecurrentOnnxModel("Output", "Window", TestModels.TempFile(LstmFull)).Fit(data);
        var scored = transformer.Transform(data);
        Assert.Equal(rows.Select(r => r.Window).ToArray(), Outputs.Read(scored, "Window"));
        Assert.Equal(3, scored.GetRowCount());
        Assert.False(scored.CanShuffle);
    }
}

/// <summary>Words of a sentence.</summary>
public sealed class TextRow
{
    public string[] Words { get; set; } = [];
}

/// <summary>One vocabulary word.</summary>
public sealed class WordRow
{
    public string Word { get; set; } = "";
}
