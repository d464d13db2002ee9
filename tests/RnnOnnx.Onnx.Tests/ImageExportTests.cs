using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Tests;
using RnnOnnx.Training;

namespace RnnOnnx.Onnx.Tests;

/// <summary>Convolutional encoders and encoder–decoder pairs: ONNX Runtime agrees with the trainer (max abs diff ≤ 1e-5).</summary>
public sealed class ImageExportTests : IDisposable
{
    private const float Tolerance = 1e-5f;
    private const int Batch = 3, Height = 9, Width = 8, Channels = 3, Vocabulary = 7, Units = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-image-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal static Sequential Encoder(int outputs) => new(
        new Rescaling(1 / 255f, -0.5f),
        new Conv2D(4, 3, Activation.Relu, Padding.Same), new MaxPool2D(2),
        new Conv2D(3, 3, Activation.Tanh, Padding.Valid), new MaxPool2D(2),
        new Flatten(), new Dropout(0.1f), new Dense(outputs, Activation.Tanh));

    internal static EncoderDecoder Captioner()
    {
        var model = new EncoderDecoder(Encoder(2 * Units), new Sequential(new Embedding(Vocabulary, 4), new Lstm(Units, returnSequences: true), new Dense(Vocabulary, Activation.Softmax)));
        model.Compile(new Adam(), new SoftmaxCrossEntropy());
        model.Encoder.Build(LayerShape.ForImage(new ImageShape(Height, Width, Channels)), seed: 5);
        model.Decoder.Build(new LayerShape(true, 1), seed: 6);
        ulong s = 200;
        foreach (var p in model.Parameters)
            if (p.Name.Contains("bias", StringComparison.Ordinal)) TestData.Uniform(s++, 0.5f, p.Value.Length).Data.CopyTo(p.Value, 0);
        return model;
    }

    /// <summary>Raw 0..255 pixels, channels-last for the trainer.</summary>
    private static Tensor Pixels()
    {
        var x = TestData.Uniform(9, 127.5f, Batch, Height, Width, Channels);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] += 127.5f;
        return x;
    }

    /// <summary>The same pixels channels-first, as the exported graph (and ML.NET's ExtractPixels) lay them out.</summary>
    private static Tensor ChannelsFirst(Tensor nhwc)
    {
        var nchw = Tensor.Zeros(Batch, Channels, Height, Width);
        for (int b = 0; b < Batch; b++)
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                    for (int c = 0; c < Channels; c++)
                        nchw.Data[((b * Channels + c) * Height + y) * Width + x] = nhwc.Data[((b * Height + y) * Width + x) * Channels + c];
        return nchw;
    }

    [Fact]
    public void A_convolutional_model_matches_the_trainer()
    {
        var model = Encoder(6);
        model.Build(LayerShape.ForImage(new ImageShape(Height, Width, Channels)), seed: 3);
        var x = Pixels();
        var ort = OrtRunner.Run(OnnxExporter.Export(model), new() { [OnnxExporter.InputName] = ChannelsFirst(x) });
        float diff = OrtRunner.MaxAbsDiff(model.Predict(x), ort[OnnxExporter.OutputName]);
        Assert.True(diff <= Tolerance, $"max abs diff {diff:G3}");
    }

    [Fact]
    public void Encoder_states_feed_the_decoder_step_model_as_the_trainer_decodes()
    {
        var model = Captioner();
        var x = Pixels();
        var (encoderBytes, decoderBytes) = OnnxExporter.Export(model, new OnnxExportOptions { Task = ModelTask.Caption, Config = "{\"vocabulary\":[]}" });

        var states = OrtRunner.Run(encoderBytes, new() { [OnnxExporter.InputName] = ChannelsFirst(x) });
        var expected = model.EncodeStates(x);
        Assert.True(OrtRunner.MaxAbsDiff(expected[0], states["h_in_0"]) <= Tolerance);
        Assert.True(OrtRunner.MaxAbsDiff(expected[1], states["c_in_0"]) <= Tolerance);

        // Three decoding steps through the step model, each fed the previous step's states, against one trainer pass.
        var tokens = TestData.Ids(4, Vocabulary, Batch, 3);
        var whole = model.Predict(x, tokens);
        var h = states["h_in_0"];
        var c = states["c_in_0"];
        for (int t = 0; t < 3; t++)
        {
            var step = Tensor.Zeros(Batch, 1);
            for (int b = 0; b < Batch; b++) step.Data[b] = tokens.Data[b * 3 + t];
            var o = OrtRunner.Run(decoderBytes, new() { [OnnxExporter.InputName] = OrtRunner.Ids(step), ["h_in_0"] = h, ["c_in_0"] = c });
            var expectedStep = Tensor.Zeros(Batch, 1, Vocabulary);
            for (int b = 0; b < Batch; b++) whole.Data.AsSpan((b * 3 + t) * Vocabulary, Vocabulary).CopyTo(expectedStep.Data.AsSpan(b * Vocabulary, Vocabulary));
            Assert.True(OrtRunner.MaxAbsDiff(expectedStep, o[OnnxExporter.OutputName]) <= Tolerance, $"step {t}");
            (h, c) = (o["h_out_0"], o["c_out_0"]);
        }
    }

    [Fact]
    public void The_onnx_checker_accepts_encoder_and_decoder()
    {
        var (encoder, decoder) = OnnxExporter.Export(Captioner(), new OnnxExportOptions { Task = ModelTask.Caption });
        var files = new[] { Path.Combine(_folder, "encoder.onnx"), Path.Combine(_folder, "decoder.onnx") };
        File.WriteAllBytes(files[0], encoder);
        File.WriteAllBytes(files[1], decoder);
        var (exit, output, error) = PythonTool.Run("onnx_check.py", files);
        Assert.True(exit == 0, $"checker failed:\n{output}\n{error}");
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Trained_convolutional_weights_survive_a_model_file_round_trip()
    {
        var model = Captioner().Encoder;
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = Sequential.Load(stream);
        var x = Pixels();
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }

    [Fact]
    public void A_declared_image_size_behind_a_Rescaling_makes_flat_samples_images_and_exports()
    {
        var model = new Sequential(new Rescaling(1 / 255f), new Conv2D(2, 3, Activation.Relu, Padding.Same, inputShape: new ImageShape(Height, Width, Channels)),
                                   new MaxPool2D(2), new Flatten(), new Dense(3));
        model.Build(new LayerShape(false, Height * Width * Channels), seed: 2);
        Assert.Equal(new ImageShape(Height, Width, Channels), model.InputShape.Image);
        var x = Pixels();
        var ort = OrtRunner.Run(OnnxExporter.Export(model), new() { [OnnxExporter.InputName] = ChannelsFirst(x) });
        Assert.True(OrtRunner.MaxAbsDiff(model.Predict(x), ort[OnnxExporter.OutputName]) <= Tolerance);
    }

    [Fact]
    public void An_encoder_whose_output_does_not_fit_the_decoder_states_is_not_exported()
    {
        var model = new EncoderDecoder(Encoder(3), new Sequential(new Embedding(Vocabulary, 4), new Lstm(Units, returnSequences: true), new Dense(Vocabulary)));
        model.Encoder.Build(LayerShape.ForImage(new ImageShape(Height, Width, Channels)), seed: 5);
        model.Decoder.Build(new LayerShape(true, 1), seed: 6);
        Assert.Throws<ShapeException>(() => OnnxExporter.Export(model));
    }
}
