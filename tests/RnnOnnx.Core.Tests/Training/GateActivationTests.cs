using RnnOnnx.Layers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

/// <summary>Keras's activation / recurrent_activation options of LSTM and GRU: outputs, validation, model files.</summary>
public sealed class GateActivationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-gates-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static double Apply(Activation f, double x) => f switch
    {
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Relu => Math.Max(0, x),
        Activation.Linear => x,
        Activation.HardSigmoid => Math.Max(0, Math.Min(1, 0.2 * x + 0.5)),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>Keras's formulas, one sample at a time in float64, on the layer's own weights (gate blocks side by side).</summary>
    private static double[] Reference(RecurrentLayer cell, Activation act, Activation rec, float[] x, int steps, int features)
    {
        int h = cell.Units, g = cell is Lstm ? 4 : 3;
        var w = cell.Kernel.Value;
        var r = cell.RecurrentKernel.Value;
        var b = cell.Bias.Value;
        var rb = cell is Gru gru ? gru.RecurrentBias.Value : new float[g * h];
        double[] state = new double[h], c = new double[h], output = new double[steps * h];
        for (int t = 0; t < steps; t++)
        {
            var xw = new double[g * h];
            var hr = new double[g * h];
            for (int k = 0; k < g * h; k++)
            {
                xw[k] = b[k];
                for (int i = 0; i < features; i++) xw[k] += x[t * features + i] * w[i * g * h + k];
                hr[k] = rb[k];
                for (int i = 0; i < h; i++) hr[k] += state[i] * r[i * g * h + k];
            }
            var next = new double[h];
            for (int j = 0; j < h; j++)
            {
                if (cell is Lstm)
                {
                    double ig = Apply(rec, xw[j] + hr[j]), fg = Apply(rec, xw[h + j] + hr[h + j]);
                    double gg = Apply(act, xw[2 * h + j] + hr[2 * h + j]), og = Apply(rec, xw[3 * h + j] + hr[3 * h + j]);
                    c[j] = fg * c[j] + ig * gg;
                    next[j] = og * Apply(act, c[j]);
                }
                else
                {
                    double z = Apply(rec, xw[j] + hr[j]), rr = Apply(rec, xw[h + j] + hr[h + j]);
                    double n = Apply(act, xw[2 * h + j] + rr * hr[2 * h + j]);
                    next[j] = (1 - z) * n + z * state[j];
                }
            }
            state = next;
            Array.Copy(state, 0, output, t * h, h);
        }
        return output;
    }

    [Theory]
    [InlineData("lstm", Activation.Relu, Activation.HardSigmoid)]
    [InlineData("lstm", Activation.Linear, Activation.Tanh)]
    [InlineData("lstm", Activation.Tanh, Activation.Sigmoid)]
    [InlineData("gru", Activation.HardSigmoid, Activation.Relu)]
    [InlineData("gru", Activation.Sigmoid, Activation.Linear)]
    [InlineData("gru", Activation.Tanh, Activation.Sigmoid)]
    public void Outputs_follow_the_keras_formulas(string kind, Activation act, Activation rec)
    {
        const int Steps = 7, Features = 3, Units = 5;
        RecurrentLayer cell = kind == "lstm" ? new Lstm(Units, true, act, rec) : new Gru(Units, true, act, rec);
        var model = new Sequential(cell);
        model.Build(new LayerShape(true, Features), seed: 3);
        // Scaled so that hard_sigmoid's clamps (|x| > 2.5) and relu's zero are both reached.
        var x = TestData.Uniform(4, 3f, 2, Steps, Features);
        var y = model.Predict(x);
        for (int sample = 0; sample < 2; sample++)
        {
            var expected = Reference(cell, act, rec, x.Data.AsSpan(sample * Steps * Features, Steps * Features).ToArray(), Steps, Features);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], y.Data[sample * Steps * Units + i], 4);
        }
    }

    [Theory]
    [InlineData("lstm", Activation.Relu, Activation.HardSigmoid)]
    [InlineData("lstm", Activation.HardSigmoid, Activation.Relu)]
    [InlineData("lstm", Activation.Linear, Activation.Linear)]
    [InlineData("gru", Activation.Relu, Activation.HardSigmoid)]
    [InlineData("gru", Activation.HardSigmoid, Activation.Relu)]
    [InlineData("gru", Activation.Sigmoid, Activation.Linear)]
    public void Weight_gradients_match_float64_finite_differences_of_the_keras_formulas(string kind, Activation act, Activation rec)
    {
        // Differences of the float64 reference with a tiny step: no float32 noise, and a kink is almost never crossed.
        const int Samples = 3, Steps = 5, Features = 2, Units = 3;
        RecurrentLayer cell = kind == "lstm" ? new Lstm(Units, true, act, rec) : new Gru(Units, true, act, rec);
        var model = new Sequential(cell);
        model.Compile(new RnnOnnx.Optimizers.Sgd(), new RnnOnnx.Losses.MeanSquaredError());
        var x = TestData.Uniform(6, 2f, Samples, Steps, Features);
        var targets = TestData.Uniform(7, 1f, Samples, Steps, Units);
        model.EnsureBuilt(x, 6);
        Gradients.GradientChecker.Backpropagate(model, new SequenceDataset(x, targets));

        double Loss()
        {
            double sum = 0;
            for (int s = 0; s < Samples; s++)
            {
                var y = Reference(cell, act, rec, x.Data.AsSpan(s * Steps * Features, Steps * Features).ToArray(), Steps, Features);
                for (int i = 0; i < y.Length; i++) sum += Math.Pow(y[i] - targets.Data[s * Steps * Units + i], 2);
            }
            return sum / targets.Data.Length;
        }
        foreach (var parameter in cell.Parameters)
        {
            var numeric = new double[parameter.Value.Length];
            for (int i = 0; i < numeric.Length; i++)
            {
                float saved = parameter.Value[i];
                const float Step = 1e-4f; // small enough that no kink lies within ±Step of a pre-activation here (1e-3 crosses one)
                parameter.Value[i] = saved + Step;
                double plus = Loss();
                parameter.Value[i] = saved - Step;
                double minus = Loss();
                parameter.Value[i] = saved;
                // The step actually taken in float32, not the nominal one.
                numeric[i] = (plus - minus) / ((double)(saved + Step) - (saved - Step));
            }
            double error = Gradients.GradientChecker.RelativeError(parameter.Gradient, numeric);
            Assert.True(error <= 1e-3, $"{parameter.Name}: relative error {error:G3}");
            Assert.Contains(parameter.Gradient, g => g != 0f);
        }
    }

    [Fact]
    public void Hard_sigmoid_is_kerass_piecewise_line()
    {
        var values = new float[] { -10f, -2.5f, -1f, 0f, 1f, 2.5f, 10f };
        RnnOnnx.Kernels.ActivationMath.Apply(Activation.HardSigmoid, values, values);
        Assert.Equal([0f, 0f, 0.3f, 0.5f, 0.7f, 1f, 1f], values);
    }

    [Fact]
    public void Non_default_activations_survive_save_and_load_and_predict_the_same()
    {
        var model = new Sequential(new Bidirectional(new Lstm(4, true, Activation.Relu, Activation.HardSigmoid)),
                                   new Gru(3, activation: Activation.Linear, recurrentActivation: Activation.Tanh), new Dense(2));
        model.Build(new LayerShape(true, 2), seed: 8);
        string path = Path.Combine(_folder, "gates.rnnonnx");
        model.Save(path);
        var loaded = Sequential.Load(path);

        var bi = Assert.IsType<Bidirectional>(loaded.Layers[0]);
        foreach (var lstm in new[] { bi.ForwardLayer, bi.BackwardLayer }.Cast<Lstm>())
            Assert.Equal((Activation.Relu, Activation.HardSigmoid), (lstm.Activation, lstm.RecurrentActivation));
        var gru = Assert.IsType<Gru>(loaded.Layers[1]);
        Assert.Equal((Activation.Linear, Activation.Tanh), (gru.Activation, gru.RecurrentActivation));
        var x = TestData.Uniform(5, 2f, 3, 6, 2);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void Softmax_is_refused_as_a_gate_activation()
    {
        Assert.Contains("activation", Assert.Throws<ModelConfigurationException>(() => new Lstm(3, activation: Activation.Softmax)).Message);
        Assert.Contains("recurrentActivation", Assert.Throws<ModelConfigurationException>(() => new Gru(3, recurrentActivation: Activation.Softmax)).Message);
        Assert.Throws<ModelConfigurationException>(() => new Gru(3, activation: (Activation)42));
    }
}
