using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Randomness;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Gradients;

/// <summary>Every layer's and loss's backward pass against central finite differences.</summary>
public class GradientCheckTests
{
    private const int Samples = 3, Steps = 5, Features = 2;
    private static readonly int[] Ragged = [5, 2, 4];

    private static Sequential Model(Loss loss, params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Compile(new Sgd(), loss);
        return model;
    }

    private static SequenceDataset SequenceData(Sequential model, int targetWidth, bool sequenceTargets, int[]? lengths, ulong seed = 1)
    {
        var x = TestData.Uniform(seed, 1f, Samples, Steps, Features);
        model.EnsureBuilt(x, seed);
        var y = sequenceTargets ? TestData.Uniform(seed + 1, 1f, Samples, Steps, targetWidth) : TestData.Uniform(seed + 1, 1f, Samples, targetWidth);
        return new SequenceDataset(x, y, lengths);
    }

    public static TheoryData<string, bool, bool> RecurrentCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var cell in new[] { "lstm", "gru", "rnn-tanh", "rnn-relu" })
            foreach (bool sequences in new[] { false, true })
                foreach (bool masked in new[] { false, true })
                    data.Add(cell, sequences, masked);
        return data;
    }

    private static RecurrentLayer Cell(string kind, int units, bool sequences) => kind switch
    {
        "lstm" => new Lstm(units, sequences),
        "gru" => new Gru(units, sequences),
        "rnn-tanh" => new SimpleRnn(units, sequences),
        "rnn-relu" => new SimpleRnn(units, sequences, Activation.Relu),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void Recurrent_layer_gradients_match_finite_differences(string cell, bool returnSequences, bool masked)
    {
        var model = Model(new MeanSquaredError(), Cell(cell, 3, returnSequences), new Dense(2));
        var data = SequenceData(model, 2, returnSequences, masked ? Ragged : null);
        GradientChecker.AssertAllClose(model, data);
    }

    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void Stacked_bidirectional_gradients_match_finite_differences(string cell, bool returnSequences, bool masked)
    {
        var model = Model(new MeanSquaredError(), new Bidirectional(Cell(cell, 3, true)), Cell(cell, 2, returnSequences), new Dense(1, Activation.Tanh));
        var data = SequenceData(model, 1, returnSequences, masked ? Ragged : null);
        GradientChecker.AssertAllClose(model, data);
    }

    public static TheoryData<string, Activation, Activation, bool> GateActivationCases()
    {
        var data = new TheoryData<string, Activation, Activation, bool>();
        // Smooth pairs only: a float32 step of ±ε across relu's or hard_sigmoid's kink breaks central differences;
        // those are checked against float64 differences in GateActivationTests.
        (Activation, Activation)[] pairs = [(Activation.Sigmoid, Activation.Tanh), (Activation.Linear, Activation.Sigmoid), (Activation.Tanh, Activation.Tanh)];
        foreach (var cell in new[] { "lstm", "gru" })
            foreach (var (activation, recurrent) in pairs)
                foreach (bool masked in new[] { false, true })
                    data.Add(cell, activation, recurrent, masked);
        return data;
    }

    [Theory]
    [MemberData(nameof(GateActivationCases))]
    public void Gate_activation_options_gradients_match_finite_differences(string cell, Activation activation, Activation recurrent, bool masked)
    {
        RecurrentLayer Make(int units, bool sequences) => cell == "lstm"
            ? new Lstm(units, sequences, activation, recurrent)
            : new Gru(units, sequences, activation, recurrent);
        var model = Model(new MeanSquaredError(), new Bidirectional(Make(3, true)), Make(2, true), new Dense(1, Activation.Tanh));
        var data = SequenceData(model, 1, true, masked ? Ragged : null);
        GradientChecker.AssertAllClose(model, data);
    }

    [Theory]
    [InlineData(Activation.Linear)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Softmax)]
    [InlineData(Activation.HardSigmoid)]
    public void Dense_gradients_match_finite_differences(Activation activation)
    {
        var model = Model(new MeanSquaredError(), new Dense(4, Activation.Tanh), new Dense(3, activation));
        var x = TestData.Uniform(3, 1f, 4, 5);
        model.EnsureBuilt(x, 3);
        GradientChecker.AssertAllClose(model, new SequenceDataset(x, TestData.Uniform(4, 1f, 4, 3)));
    }

    public static TheoryData<string> LossNames() => ["mse", "mae", "huber"];

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Elementwise_loss_gradients_match_with_mask(string name)
    {
        Loss loss = name switch { "mse" => new MeanSquaredError(), "mae" => new MeanAbsoluteError(), _ => new Huber(0.3f) };
        var model = Model(loss, new Gru(3, returnSequences: true), new Dense(2));
        var x = SequenceData(model, 2, true, Ragged).Inputs;
        // Targets at least 0.1 from the predictions, so no ±ε step crosses MAE's kink at p = y.
        var y = model.Predict(x, Ragged);
        var offsets = TestData.Uniform(8, 1f, y.Shape.ToArray());
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] += offsets.Data[i] + (offsets.Data[i] >= 0 ? 0.1f : -0.1f);
        GradientChecker.AssertAllClose(model, new SequenceDataset(x, y, Ragged));
    }

    [Fact]
    public void Embedding_and_softmax_cross_entropy_gradients_match_with_mask()
    {
        var model = Model(new SoftmaxCrossEntropy(), new Embedding(7, 3), new Lstm(4, returnSequences: true), new Dense(7, Activation.Softmax));
        var x = TestData.Ids(5, 7, Samples, Steps);
        model.EnsureBuilt(x, 5);
        var data = new SequenceDataset(x, TestData.Ids(6, 7, Samples, Steps), Ragged);
        GradientChecker.AssertAllClose(model, data);
    }

    [Fact]
    public void Dropout_gradients_match_with_a_fixed_mask()
    {
        var model = Model(new MeanSquaredError(), new Lstm(4, returnSequences: true), new Dropout(0.3f), new Lstm(3), new Dropout(0.3f), new Dense(1));
        var data = SequenceData(model, 1, false, null);
        GradientChecker.AssertAllClose(model, data);
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn-tanh")]
    [InlineData("bi-lstm")]
    public void Initial_state_gradients_match_finite_differences(string cell)
    {
        Layer layer = cell == "bi-lstm" ? new Bidirectional(new Lstm(3)) : Cell(cell, 3, false);
        var model = Model(new MeanSquaredError(), layer, new Dense(1));
        var data = SequenceData(model, 1, false, Ragged);
        int stateCount = model.RecurrentLayers.Sum(r => r.StateCount);
        var states = Enumerable.Range(0, stateCount).Select(s => TestData.Uniform(20 + (ulong)s, 0.8f, Samples, 3).Data).ToArray();

        (Signal Output, BatchAssembler Batch, PassContext Context) Forward()
        {
            var batch = new BatchAssembler();
            ((ITrainable)model).Gather(batch, data, Enumerable.Range(0, data.Count).ToArray());
            var context = new PassContext { Training = true, Lengths = batch.Lengths, Rng = new Rng(99) };
            return (model.ForwardPass(batch.Inputs, context, states), batch, context);
        }
        double Loss()
        {
            var (output, batch, context) = Forward();
            return model.Loss!.Compute(output, batch.Targets, context, new Signal());
        }

        var (output, batch, context) = Forward();
        var lossGradient = new Signal();
        model.Loss!.Compute(output, batch.Targets, context, lossGradient);
        var gradients = states.Select(s => new float[s.Length]).ToArray();
        model.BackwardPass(lossGradient, context, gradients);
        for (int s = 0; s < stateCount; s++)
        {
            var analytic = gradients[s];
            var numeric = new double[analytic.Length];
            for (int i = 0; i < numeric.Length; i++) numeric[i] = GradientChecker.Numeric(Loss, states[s], i);
            double error = GradientChecker.RelativeError(analytic, numeric);
            Assert.True(error <= GradientChecker.Tolerance, $"state {s}: relative error {error:G3}");
            Assert.Contains(analytic, v => v != 0f);
        }
        // The states were arguments of those calls only: a pass without them starts from zeros again.
        var zeros = states.Select(s => new float[s.Length]).ToArray();
        var context0 = new PassContext { Lengths = batch.Lengths };
        var expected = model.ForwardPass(batch.Inputs, context0, zeros).Span.ToArray();
        Assert.Equal(expected, model.ForwardPass(batch.Inputs, context0).Span.ToArray());
    }
}
