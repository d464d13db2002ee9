using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

/// <summary>A call's initial states, and whether its loss takes logits, reach only that call: nothing carries over to the next one.</summary>
public class StatelessPassTests
{
    private static Sequential Stack()
    {
        var model = new Sequential(new Lstm(4, returnSequences: true), new Gru(3, returnSequences: true), new Dense(2));
        model.Build(new LayerShape(true, 2), seed: 5);
        return model;
    }

    [Fact]
    public void A_predict_that_rejects_a_later_layers_state_leaves_no_state_on_the_earlier_ones()
    {
        var model = Stack();
        var x = TestData.Uniform(1, 1f, 3, 6, 2);
        var h = TestData.Uniform(2, 1f, 3, 4);
        var c = TestData.Uniform(3, 1f, 3, 4);
        var wrongWidth = TestData.Uniform(4, 1f, 3, 5); // the GRU has 3 units

        var e = Assert.Throws<ShapeException>(() => model.Predict(x, [h, c, wrongWidth], out _));
        Assert.Contains("gru_1", e.Message);

        Assert.Equal(Stack().Predict(x).Data, model.Predict(x).Data);
        Assert.Equal(Stack().Predict(x, null, out _).Data, model.Predict(x, null, out _).Data);
    }

    [Fact]
    public void Initial_states_apply_to_their_own_call_only()
    {
        var model = Stack();
        var x = TestData.Uniform(1, 1f, 3, 6, 2);
        var states = new[] { TestData.Uniform(2, 1f, 3, 4), TestData.Uniform(3, 1f, 3, 4), TestData.Uniform(4, 1f, 3, 3) };

        var started = model.Predict(x, states, out _);
        var fresh = Stack().Predict(x);

        Assert.NotEqual(fresh.Data, started.Data);
        Assert.Equal(fresh.Data, model.Predict(x).Data);
        Assert.Equal(started.Data, model.Predict(x, states, out _).Data);
    }

    [Fact]
    public void Evaluate_on_an_unbuilt_model_is_refused_and_leaves_it_unbuilt()
    {
        var model = new Sequential(new Lstm(4), new Dense(1));
        model.Compile(new Adam(), new MeanSquaredError());
        var data = new SequenceDataset(TestData.Uniform(1, 1f, 4, 5, 2), TestData.Uniform(2, 1f, 4, 1));

        var e = Assert.Throws<ModelConfigurationException>(() => model.Evaluate(data));
        Assert.Contains("not built", e.Message);
        Assert.False(model.IsBuilt);
    }

    [Fact]
    public void Cross_entropy_on_a_softmax_output_is_computed_from_logits_while_predict_returns_probabilities()
    {
        var model = new Sequential(new Embedding(6, 3), new Lstm(5, returnSequences: true), new Dense(6, Activation.Softmax));
        model.Compile(new Adam(), new SoftmaxCrossEntropy());
        var x = TestData.Ids(1, 6, 4, 5);
        var y = TestData.Ids(2, 6, 4, 5);
        model.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 2 });

        var p = model.Predict(x);
        double expected = 0;
        for (int i = 0; i < y.Data.Length; i++)
        {
            Assert.InRange(p.Data.AsSpan(i * 6, 6).ToArray().Sum(), 0.9999f, 1.0001f);
            expected -= Math.Log(p.Data[i * 6 + (int)y.Data[i]]);
        }
        expected /= y.Data.Length;
        Assert.Equal(expected, model.Evaluate(new SequenceDataset(x, y)), 4);

        // Recompiled with a loss that reads probabilities, the same layer trains on its softmax output.
        model.Compile(new Adam(), new MeanSquaredError());
        var onehot = Tensor.Zeros(4, 5, 6);
        for (int i = 0; i < y.Data.Length; i++) onehot.Data[i * 6 + (int)y.Data[i]] = 1f;
        double mse = 0;
        for (int i = 0; i < onehot.Data.Length; i++) mse += Math.Pow(p.Data[i] - onehot.Data[i], 2);
        Assert.Equal(mse / onehot.Data.Length, model.Evaluate(new SequenceDataset(x, onehot)), 5);
    }
}
