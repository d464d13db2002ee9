using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Gradients;

/// <summary>Convolution, pooling and the encoder→decoder state path against central finite differences.</summary>
public class ImageGradientTests
{
    private static Tensor Images(ulong seed, int n, int h, int w, int c) => TestData.Uniform(seed, 1f, n, h, w, c);

    [Theory]
    [InlineData(Padding.Same, 3, Activation.Tanh)]
    [InlineData(Padding.Valid, 3, Activation.Linear)]
    [InlineData(Padding.Same, 1, Activation.Sigmoid)]
    [InlineData(Padding.Valid, 2, Activation.Tanh)]
    public void Conv2D_gradients_match_finite_differences(Padding padding, int kernel, Activation activation)
    {
        // Two stacked convolutions, so the first one's weights are reached only through the second's input gradient (col2im).
        var model = new Sequential(new Conv2D(3, kernel, activation, padding), new Conv2D(2, 3, Activation.Tanh, Padding.Same), new Flatten(), new Dense(2));
        model.Compile(new Sgd(), new MeanSquaredError());
        var x = Images(1, 3, 6, 5, 2);
        model.EnsureBuilt(x, 1);
        GradientChecker.AssertAllClose(model, new SequenceDataset(x, TestData.Uniform(2, 1f, 3, 2)));
    }

    [Fact]
    public void MaxPool2D_gradients_match_finite_differences_on_a_ragged_image()
    {
        // Max is not differentiable where two window values tie, so the inputs are distinct multiples of 0.05 and the
        // 1×1 convolution before the pool starts as the identity: a ±ε step on any weight moves values by at most
        // ε·max|x| ≈ 0.004, far less than the 0.05 gaps, so no window's winner changes and the differences are exact.
        // 7×5 pooled by 2 drops the last row and column; those pixels must get no gradient.
        const int n = 2, h = 7, w = 5, c = 3;
        var x = Tensor.Zeros(n, h, w, c);
        var rng = new Randomness.Rng(11);
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                var order = Enumerable.Range(0, h * w).ToArray();
                rng.Shuffle(order);
                for (int i = 0; i < h * w; i++) x.Data[(b * h * w + i) * c + ch] = 0.05f * order[i];
            }
        var conv = new Conv2D(c, 1);
        var model = new Sequential(conv, new MaxPool2D(2), new Flatten(), new Dense(3));
        model.Compile(new Sgd(), new MeanSquaredError());
        model.EnsureBuilt(x, 3);
        Assert.Equal(new ImageShape(3, 2, c), model.Layers[1].OutputShape.Image);
        Array.Clear(conv.Kernel.Value);
        for (int ch = 0; ch < c; ch++) conv.Kernel.Value[ch * c + ch] = 1f;
        GradientChecker.AssertAllClose(model, new SequenceDataset(x, TestData.Uniform(4, 1f, n, 3)));
    }

    [Fact]
    public void Encoder_decoder_gradients_reach_the_encoder_through_the_initial_states()
    {
        const int vocabulary = 6, units = 3, samples = 3, steps = 4;
        var encoder = new Sequential(new Conv2D(2, 3, Activation.Relu, Padding.Same), new MaxPool2D(2), new Flatten(), new Dense(2 * units, Activation.Tanh));
        var decoder = new Sequential(new Embedding(vocabulary, 4), new Lstm(units, returnSequences: true), new Dense(vocabulary, Activation.Softmax));
        var model = new EncoderDecoder(encoder, decoder);
        model.Compile(new Sgd(), new SoftmaxCrossEntropy());
        var data = new SequenceDataset(TestData.Ids(5, vocabulary, samples, steps), TestData.Ids(6, vocabulary, samples, steps), [4, 2, 3], Images(7, samples, 4, 4, 3));
        ((ITrainable)model).Prepare(data, 2);
        var results = GradientChecker.CheckParameters(model, data);
        Assert.Contains(results, r => r.Name.StartsWith("conv2d", StringComparison.Ordinal));
        Assert.All(results, r => Assert.True(r.Error <= GradientChecker.Tolerance, $"{r.Name}: relative error {r.Error:G3}"));
        Assert.Contains(encoder.Parameters[0].Gradient, g => g != 0f);
    }

    [Fact]
    public void Encoder_output_must_match_the_decoder_states()
    {
        var encoder = new Sequential(new Flatten(), new Dense(5));
        var decoder = new Sequential(new Embedding(4, 2), new Lstm(3, returnSequences: true), new Dense(4, Activation.Softmax));
        var model = new EncoderDecoder(encoder, decoder);
        model.Compile(new Adam(), new SoftmaxCrossEntropy());
        var data = new SequenceDataset(TestData.Ids(1, 4, 2, 3), TestData.Ids(2, 4, 2, 3), conditions: Images(3, 2, 2, 2, 1));
        var e = Assert.Throws<ShapeException>(() => model.Fit(data));
        Assert.Contains("[6]", e.Message);
        Assert.Contains("2×3", e.Message);
        var noConditions = new SequenceDataset(TestData.Ids(1, 4, 2, 3), TestData.Ids(2, 4, 2, 3));
        var other = new EncoderDecoder(new Sequential(new Dense(6)), new Sequential(new Embedding(4, 2), new Lstm(3, true), new Dense(4)));
        other.Compile(new Adam(), new SoftmaxCrossEntropy());
        Assert.Contains("conditions", Assert.Throws<DataException>(() => other.Fit(noConditions)).Message);
    }

    [Fact]
    public void Dense_after_an_image_asks_for_Flatten()
    {
        var model = new Sequential(new Conv2D(2, 3), new Dense(2));
        var e = Assert.Throws<ModelConfigurationException>(() => model.Build(LayerShape.ForImage(new ImageShape(5, 5, 1))));
        Assert.Contains("Flatten", e.Message);
    }
}
