using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

/// <summary>Bad input gets a typed error that says what is wrong and where.</summary>
public class BadInputTests
{
    private static Sequential Lstm1()
    {
        var model = new Sequential(new Lstm(4), new Dense(1));
        model.Compile(new Adam(), new MeanSquaredError());
        return model;
    }

    [Fact]
    public void Rank_two_input_to_a_recurrent_model_names_the_expected_layout()
    {
        var e = Assert.Throws<ShapeException>(() => Lstm1().Fit(Tensor.Zeros(8, 5), Tensor.Zeros(8, 1)));
        Assert.Contains("[samples, time, features]", e.Message);
        Assert.Contains("[8, 5]", e.Message);
    }

    [Fact]
    public void Targets_of_the_wrong_shape_say_what_was_expected()
    {
        var e = Assert.Throws<ShapeException>(() => Lstm1().Fit(Tensor.Zeros(8, 5, 2), Tensor.Zeros(8, 3)));
        Assert.Contains("[8, 3]", e.Message);
        Assert.Contains("[8, 1]", e.Message);
    }

    [Fact]
    public void Inputs_of_a_different_width_than_the_built_model_are_rejected()
    {
        var model = Lstm1();
        model.Fit(Tensor.Zeros(4, 5, 2), Tensor.Zeros(4, 1), new FitOptions { Epochs = 1 });
        var e = Assert.Throws<ShapeException>(() => model.Predict(Tensor.Zeros(4, 5, 3)));
        Assert.Contains("[time, 2]", e.Message);
        Assert.Contains("[time, 3]", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_data_is_located(float bad)
    {
        var x = Tensor.Zeros(6, 4, 2);
        x[3, 2, 1] = bad;
        var e = Assert.Throws<DataException>(() => Lstm1().Fit(x, Tensor.Zeros(6, 1)));
        Assert.Contains("[3, 2, 1]", e.Message);
        Assert.Contains("inputs", e.Message);
        var y = Tensor.Zeros(6, 1);
        y[5, 0] = bad;
        Assert.Contains("targets", Assert.Throws<DataException>(() => Lstm1().Fit(Tensor.Zeros(6, 4, 2), y)).Message);
    }

    [Fact]
    public void Empty_data_is_rejected()
    {
        Assert.Contains("empty", Assert.Throws<DataException>(() => Lstm1().Fit(Tensor.Zeros(0, 4, 2), Tensor.Zeros(0, 1))).Message);
    }

    [Fact]
    public void Batch_size_zero_and_bad_options_are_rejected()
    {
        var data = new SequenceDataset(Tensor.Zeros(4, 3, 1), Tensor.Zeros(4, 1));
        Assert.Contains("Batch size", Assert.Throws<ModelConfigurationException>(() => Lstm1().Fit(data, new FitOptions { BatchSize = 0 })).Message);
        Assert.Contains("Validation split", Assert.Throws<ModelConfigurationException>(() => Lstm1().Fit(data, new FitOptions { ValidationSplit = 1.5 })).Message);
        var one = new SequenceDataset(Tensor.Zeros(1, 3, 1), Tensor.Zeros(1, 1));
        Assert.Contains("both need at least one", Assert.Throws<DataException>(() => Lstm1().Fit(one, new FitOptions { ValidationSplit = 0.5 })).Message);
        Assert.Throws<ModelConfigurationException>(() => new Adam(learningRate: -1f));
        Assert.Throws<ModelConfigurationException>(() => new Dropout(1f));
        Assert.Throws<ModelConfigurationException>(() => new Lstm(0));
    }

    [Fact]
    public void Incompatible_layer_order_names_the_layer_and_the_fix()
    {
        var afterVector = new Sequential(new Lstm(4), new Lstm(3), new Dense(1));
        afterVector.Compile(new Adam(), new MeanSquaredError());
        var e = Assert.Throws<ModelConfigurationException>(() => afterVector.Fit(Tensor.Zeros(4, 5, 2), Tensor.Zeros(4, 1)));
        Assert.Contains("lstm_2", e.Message);
        Assert.Contains("returnSequences: true", e.Message);

        var lateEmbedding = new Sequential(new Lstm(4, returnSequences: true), new Embedding(10, 3));
        Assert.Contains("first layer", Assert.Throws<ModelConfigurationException>(() => lateEmbedding.Build(new LayerShape(true, 2))).Message);
    }

    [Fact]
    public void Training_without_compile_is_rejected()
    {
        var model = new Sequential(new Lstm(4), new Dense(1));
        Assert.Contains("Compile", Assert.Throws<ModelConfigurationException>(() => model.Fit(Tensor.Zeros(4, 5, 2), Tensor.Zeros(4, 1))).Message);
    }

    [Fact]
    public void Bad_token_ids_and_class_ids_and_lengths_are_located()
    {
        var model = new Sequential(new Embedding(5, 3), new Lstm(4, returnSequences: true), new Dense(5));
        model.Compile(new Adam(), new SoftmaxCrossEntropy());
        var x = TestData.Ids(1, 5, 3, 4);
        x[1, 2] = 7;
        Assert.Contains("token id 7", Assert.Throws<DataException>(() => model.Fit(x, TestData.Ids(2, 5, 3, 4))).Message);
        x[1, 2] = 1;
        var y = TestData.Ids(2, 5, 3, 4);
        y[2, 1] = 5;
        Assert.Contains("not a class id", Assert.Throws<DataException>(() => model.Fit(x, y)).Message);
        Assert.Contains("sample 1", Assert.Throws<DataException>(() => new SequenceDataset(x, y, [4, 0, 2])).Message);
    }

    [Fact]
    public void A_diverging_loss_stops_training_with_a_clear_message()
    {
        var model = new Sequential(new Dense(1));
        model.Compile(new Sgd(learningRate: 1e3f), new MeanSquaredError());
        var x = TestData.Uniform(1, 1e3f, 64, 4);
        var y = TestData.Uniform(2, 1e3f, 64, 1);
        var e = Assert.Throws<TrainingDivergedException>(() => model.Fit(x, y, new FitOptions { Epochs = 50, BatchSize = 8 }));
        Assert.Contains("epoch", e.Message);
        Assert.Contains("learning rate", e.Message);
    }
}
