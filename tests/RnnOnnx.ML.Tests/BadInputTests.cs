using Microsoft.ML;
using Microsoft.ML.Data;
using static RnnOnnx.Tests.TestModels;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML.Tests;

/// <summary>Bad input gets a typed error naming the column, the row and what was expected.</summary>
public class BadInputTests
{
    private readonly MLContext _ml = new(seed: 1);

    private RecurrentOnnxEstimator Estimator(byte[] model, string input = nameof(RaggedRow.Sequence), string? length = nameof(RaggedRow.Length), int maxSteps = int.MaxValue, string? key = null) =>
        _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = input, LengthColumnName = length, KeyColumnName = key, ModelBytes = model,
            MaxSequenceLength = maxSteps, BatchSize = 4,
        });

    private static RaggedRow[] Ragged(params int[] lengths) =>
        lengths.Select((l, i) => new RaggedRow { Sequence = Seeded.Floats(i, l * Features), Length = l }).ToArray();

    /// <summary>The error that reading every output raises.</summary>
    private static T Reading<T>(RecurrentOnnxTransformer transformer, IDataView data) where T : Exception =>
        Assert.Throws<T>(() => Outputs.Read(transformer.Transform(data), "Output"));

    [Fact]
    public void A_column_of_the_wrong_type_is_named_with_what_the_model_needs()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new { Sequence = "1,2,3", Length = 1 } });
        var e = Assert.Throws<DataException>(() => Estimator(LstmRagged).Fit(data));
        Assert.Contains("'Sequence'", e.Message);
        Assert.Contains("String", e.Message);
        Assert.Contains("vector (or scalar) of Single", e.Message);
        Assert.Contains("3 features", e.Message);
    }

    [Fact]
    public void A_missing_column_is_named_with_the_columns_there_are()
    {
        var data = _ml.Data.LoadFromEnumerable(Ragged(2));
        var e = Assert.Throws<DataException>(() => Estimator(LstmRagged, input: "Seq").Fit(data));
        Assert.Contains("Input column 'Seq' is not in the input", e.Message);
        Assert.Contains("'Sequence'", e.Message);
    }

    [Fact]
    public void A_fixed_size_that_is_not_whole_steps_is_refused_before_any_row()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new OddWindowRow { Window = new float[10] } });
        var e = Assert.Throws<DataException>(() => Estimator(LstmFull, input: "Window", length: null).Fit(data));
        Assert.Contains("'Window' holds 10 values per row", e.Message);
        Assert.Contains("3 features", e.Message);
    }

    [Fact]
    public void A_row_whose_size_is_not_whole_steps_is_named()
    {
        var rows = Ragged(2, 3, 1);
        rows[2].Sequence = new float[4];
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = Estimator(LstmRagged, length: null).Fit(data);
        var e = Reading<DataException>(transformer, data);
        Assert.Equal("Row 2, column 'Sequence': 4 values are not a whole number of steps of 3 features.", e.Message);
    }

    [Fact]
    public void A_length_beyond_the_values_is_named()
    {
        var rows = Ragged(2, 3);
        rows[1].Length = 5;
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = Estimator(LstmRagged).Fit(data);
        var e = Reading<DataException>(transformer, data);
        Assert.Equal("Row 1, column 'Length': 5 steps of 3 features need 15 values, but column 'Sequence' holds 9.", e.Message);
    }

    [Fact]
    public void A_zero_length_is_named()
    {
        var rows = Ragged(2, 3);
        rows[0].Length = 0;
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = Estimator(LstmRagged).Fit(data);
        Assert.StartsWith("Row 0, column 'Length': 0 is not a number of steps", Reading<DataException>(transformer, data).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_longer_than_allowed_is_named()
    {
        var data = _ml.Data.LoadFromEnumerable(Ragged(2, 3, 9, 1));
        using var transformer = Estimator(LstmRagged, maxSteps: 8).Fit(data);
        Assert.Equal("Row 2, column 'Sequence': 9 steps, more than the 8 allowed (MaxSequenceLength).", Reading<DataException>(transformer, data).Message);
    }

    [Fact]
    public void Within_a_batch_the_first_bad_row_is_the_one_named()
    {
        // Values are checked a batch at a time; the error is still the one reading row by row would give.
        var rows = Ragged(2, 3, 2, 9, 2, 2);
        rows[1].Sequence[4] = float.NegativeInfinity;
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = Estimator(LstmRagged, maxSteps: 8).Fit(data);
        Assert.Equal("Row 1, column 'Sequence': value 4 (step 1, feature 1) is -Infinity; the model needs finite numbers.", Reading<DataException>(transformer, data).Message);

        rows[1].Sequence[4] = 0;
        Assert.StartsWith("Row 3, column 'Sequence': 9 steps", Reading<DataException>(transformer, data).Message, StringComparison.Ordinal);

        rows[3] = Ragged(2, 3, 2, 4)[3];
        rows[5].Sequence[1] = float.NaN;
        Assert.Equal("Row 5, column 'Sequence': value 1 (step 0, feature 1) is NaN; the model needs finite numbers.", Reading<DataException>(transformer, data).Message);
    }

    [Fact]
    public void NaN_and_infinity_are_named_with_their_step_and_feature()
    {
        var rows = Ragged(2, 3, 2);
        rows[1].Sequence[7] = float.NaN;
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var transformer = Estimator(LstmRagged).Fit(data);
        Assert.Equal("Row 1, column 'Sequence': value 7 (step 2, feature 1) is NaN; the model needs finite numbers.", Reading<DataException>(transformer, data).Message);

        rows[1].Sequence[7] = 0;
        rows[2].Sequence[0] = float.PositiveInfinity;
        using var engine = _ml.Model.CreatePredictionEngine<RaggedRow, Scored>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        engine.Predict(rows[1]);
        var e = Assert.Throws<DataException>(() => engine.Predict(rows[2]));
        Assert.Contains("column 'Sequence': value 0 (step 0, feature 0) is Infinity", e.Message);
        // The engine goes on after a bad row.
        Assert.Equal(Width, engine.Predict(rows[0]).Output.Length);
    }

    [Fact]
    public void Bad_token_ids_are_named()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new TokenRow { Tokens = [1, 2] }, new TokenRow { Tokens = [3, -4, 5] } });
        using var transformer = Estimator(TokensRagged, input: nameof(TokenRow.Tokens), length: null).Fit(data);
        Assert.Equal("Row 1, column 'Tokens': step 1 is -4; token ids must be whole numbers ≥ 0.", Reading<DataException>(transformer, data).Message);
    }

    [Fact]
    public void Options_the_model_cannot_meet_are_refused_naming_the_model_signature()
    {
        var e = Assert.Throws<ModelConfigurationException>(() => _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Sequence", ModelBytes = LstmRagged, ModelInputName = "x",
        }));
        Assert.Contains("ModelInputName 'x' is not an input of the model", e.Message);
        Assert.Contains("input: float[batch, time, 3], sequence_lens: int32[batch]", e.Message);

        e = Assert.Throws<ModelConfigurationException>(() => Estimator(LstmRagged, key: "Sensor"));
        Assert.Contains("KeyColumnName 'Sensor'", e.Message);
        Assert.Contains("OnnxGraphKind.Step", e.Message);

        e = Assert.Throws<ModelConfigurationException>(() => _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Sequence", ModelBytes = GruLastRagged, Output = RecurrentOutputKind.Sequence,
        }));
        Assert.Contains("Output Sequence needs an output with a time axis", e.Message);

        e = Assert.Throws<ModelConfigurationException>(() => _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Sequence", ModelBytes = LstmFull, Output = RecurrentOutputKind.FinalState,
        }));
        Assert.Contains("FinalState needs a model whose recurrent state is a graph output", e.Message);

        e = Assert.Throws<ModelConfigurationException>(() => _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Sequence", ModelBytes = LstmFull, ModelOutputName = "y",
        }));
        Assert.Contains("ModelOutputName 'y' is not an output of the model", e.Message);
    }

    [Fact]
    public void A_float_column_cannot_feed_a_token_model_with_fractions()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new RaggedRow { Sequence = [1, 2.5f], Length = 2 } });
        using var transformer = Estimator(TokensRagged).Fit(data);
        Assert.Equal("Row 0, column 'Sequence': step 1 is 2.5; token ids must be whole numbers ≥ 0.", Reading<DataException>(transformer, data).Message);
    }

    [Fact]
    public void Files_and_options_that_are_not_usable_are_refused()
    {
        Assert.Contains("cannot be read", Assert.Throws<ModelFileException>(() => _ml.Transforms.ApplyRecurrentOnnxModel("Output", "Sequence", "/no/such/model.onnx")).Message);
        var e = Assert.Throws<ModelFileException>(() => Estimator([1, 2, 3, 4]));
        Assert.Contains("ONNX model bytes", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions
        {
            OutputColumnName = "Output", InputColumnName = "Sequence", ModelBytes = LstmFull, BatchSize = 0,
        }));
        Assert.Throws<ArgumentException>(() => _ml.Transforms.ApplyRecurrentOnnxModel(new RecurrentOnnxOptions { OutputColumnName = "Output", InputColumnName = "Sequence" }));
    }

    [Fact]
    public void A_model_with_a_fixed_time_dimension_needs_that_many_steps()
    {
        // ML.NET's ApplyOnnxModel style: the window is part of the column type; a mismatching window is refused at Fit.
        var data = _ml.Data.LoadFromEnumerable(new[] { new FourStepRow { Window = new float[12] } });
        var fixedTime = FixedTimeModel();
        var e = Assert.Throws<DataException>(() => Estimator(fixedTime, input: "Window", length: null).Fit(data));
        Assert.Contains("4 steps per row, but the model's input 'input' has a fixed time dimension of 6", e.Message);
    }

    private static byte[] FixedTimeModel() => Foreign.PinDimensions(LstmFull, "input", (1, 6));
}

/// <summary>A fixed-size vector of the wrong size for the test models.</summary>
public sealed class OddWindowRow
{
    [VectorType(10)]
    public float[] Window { get; set; } = [];
}

/// <summary>A fixed-size vector of four steps.</summary>
public sealed class FourStepRow
{
    [VectorType(4 * TestModels.Features)]
    public float[] Window { get; set; } = [];
}
