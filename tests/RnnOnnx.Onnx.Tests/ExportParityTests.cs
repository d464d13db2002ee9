using RnnOnnx.Layers;
using RnnOnnx.Tests;
using RnnOnnx.Training;

namespace RnnOnnx.Onnx.Tests;

/// <summary>ONNX Runtime's outputs for exported models equal the trainer's forward pass (max abs diff ≤ 1e-5).</summary>
public class ExportParityTests
{
    private const float Tolerance = 1e-5f;
    private const int Batch = 4, Steps = 7, Features = 3;
    private static readonly int[] Ragged = [7, 3, 5, 1];

    internal static Sequential Model(string name)
    {
        Layer[] layers = name switch
        {
            "lstm" => [new Lstm(5, returnSequences: true), new Dense(2)],
            "lstm-last" => [new Lstm(5), new Dense(1)],
            "gru" => [new Gru(6, returnSequences: true), new Dense(2, Activation.Tanh)],
            "gru-last" => [new Gru(6), new Dense(3, Activation.Softmax)],
            "rnn-tanh" => [new SimpleRnn(4, returnSequences: true), new Dense(2, Activation.Sigmoid)],
            "rnn-relu-last" => [new SimpleRnn(4, activation: Activation.Relu), new Dense(2, Activation.Relu)],
            "seed" => [new Lstm(8, true), new Dropout(0.2f), new Lstm(8, true), new Dropout(0.2f), new Lstm(8), new Dropout(0.2f), new Dense(1)],
            "stacked-mixed" => [new Lstm(5, true), new Gru(4, true), new SimpleRnn(3, true), new Dense(2)],
            "bi-lstm" => [new Bidirectional(new Lstm(4, true)), new Dense(2)],
            "bi-gru-last" => [new Bidirectional(new Gru(4)), new Dense(1)],
            "bi-rnn-stacked" => [new Bidirectional(new SimpleRnn(3, true)), new Bidirectional(new Lstm(3)), new Dense(2)],
            "embedding-lstm" => [new Embedding(11, 4), new Lstm(6, true), new Dense(11, Activation.Softmax)],
            "embedding-bi-gru" => [new Embedding(11, 4), new Bidirectional(new Gru(3, true)), new Gru(5), new Dense(2)],
            "dense-only" => [new Dense(6, Activation.Relu), new Dense(2)],
            // The seed documents' first model: LSTM(50, activation='relu') → Dropout(0.2) → Dense(1), narrowed.
            "lstm-relu-seed000" => [new Lstm(8, activation: Activation.Relu), new Dropout(0.2f), new Dense(1)],
            "gru-linear-hard" => [new Gru(5, true, Activation.Linear, Activation.HardSigmoid), new Dense(2)],
            "gru-linear" => [new Gru(5, true, Activation.Linear, Activation.Sigmoid), new Dense(2)],
            "gru-hard" => [new Gru(5, true, Activation.Tanh, Activation.HardSigmoid), new Dense(2)],
            "lstm-sigmoid-relu" => [new Lstm(4, true, Activation.Sigmoid, Activation.Relu), new Gru(3, true, Activation.Relu, Activation.Tanh), new Dense(2)],
            "bi-lstm-hard" => [new Bidirectional(new Lstm(3, true, Activation.HardSigmoid, Activation.HardSigmoid)), new Dense(2)],
            _ => throw new ArgumentException(name),
        };
        var model = new Sequential(layers);
        bool ids = layers[0] is Embedding;
        model.Build(new LayerShape(name != "dense-only", ids ? 1 : Features), seed: 17);
        // Random biases too, so a dropped or misordered bias cannot hide behind zeros.
        ulong s = 100;
        foreach (var p in model.Parameters)
            if (p.Name.Contains("bias", StringComparison.Ordinal)) TestData.Uniform(s++, 0.5f, p.Value.Length).Data.CopyTo(p.Value, 0);
        return model;
    }

    internal static Tensor Input(Sequential model) => model.Layers[0] is Embedding
        ? TestData.Ids(3, 11, Batch, Steps)
        : model.InputShape.IsSequence ? TestData.Uniform(3, 1f, Batch, Steps, Features) : TestData.Uniform(3, 1f, Batch, Features);

    internal static object Feed(Sequential model, Tensor x) => model.Layers[0] is Embedding ? OrtRunner.Ids(x) : x;

    internal static readonly string[] Names =
    [
        "lstm", "lstm-last", "gru", "gru-last", "rnn-tanh", "rnn-relu-last", "seed", "stacked-mixed",
        "bi-lstm", "bi-gru-last", "bi-rnn-stacked", "embedding-lstm", "embedding-bi-gru", "dense-only",
        "lstm-relu-seed000", "gru-linear-hard", "gru-linear", "gru-hard", "lstm-sigmoid-relu", "bi-lstm-hard",
    ];

    public static TheoryData<string> AllModels() => new(Names);

    public static TheoryData<string> SequenceModels() => new(Names.Where(n => n != "dense-only"));

    public static TheoryData<string> UnidirectionalModels() => new(Names.Where(n => n != "dense-only" && !n.Contains("bi-", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Full_model_matches_the_trainer(string name)
    {
        var model = Model(name);
        var x = Input(model);
        var ort = OrtRunner.Run(OnnxExporter.Export(model), new() { [OnnxExporter.InputName] = Feed(model, x) });
        float diff = OrtRunner.MaxAbsDiff(model.Predict(x), ort[OnnxExporter.OutputName]);
        Assert.True(diff <= Tolerance, $"{name}: max abs diff {diff:G3}");
    }

    [Theory]
    [MemberData(nameof(SequenceModels))]
    public void Variable_length_batches_match_the_trainer(string name)
    {
        var model = Model(name);
        var x = Input(model);
        var bytes = OnnxExporter.Export(model, new OnnxExportOptions { SequenceLengths = true });
        var ort = OrtRunner.Run(bytes, new() { [OnnxExporter.InputName] = Feed(model, x), [OnnxExporter.SequenceLengthsName] = Ragged });
        float diff = OrtRunner.MaxAbsDiff(model.Predict(x, Ragged), ort[OnnxExporter.OutputName]);
        Assert.True(diff <= Tolerance, $"{name}: max abs diff {diff:G3}");
    }

    [Theory]
    [MemberData(nameof(UnidirectionalModels))]
    public void Step_model_iterated_over_all_steps_matches_the_trainer(string name)
    {
        var model = Model(name);
        var x = Input(model);
        var bytes = OnnxExporter.Export(model, new OnnxExportOptions { Kind = OnnxGraphKind.Step });
        var cells = model.RecurrentLayers;
        var states = new Dictionary<string, object>();
        for (int k = 0; k < cells.Count; k++)
        {
            states[$"h_in_{k}"] = Tensor.Zeros(Batch, cells[k].Units);
            if (cells[k].StateCount == 2) states[$"c_in_{k}"] = Tensor.Zeros(Batch, cells[k].Units);
        }
        var whole = model.Predict(x);
        bool sequences = model.OutputShape.IsSequence;
        int width = model.OutputShape.Width, perStep = x.Data.Length / (Batch * Steps);
        float worst = 0;
        for (int t = 0; t < Steps; t++)
        {
            var stepData = new float[Batch * perStep];
            for (int b = 0; b < Batch; b++) Array.Copy(x.Data, (b * Steps + t) * perStep, stepData, b * perStep, perStep);
            var xt = model.Layers[0] is Embedding ? new Tensor(stepData, Batch, 1) : new Tensor(stepData, Batch, 1, perStep);
            var feed = new Dictionary<string, object>(states) { [OnnxExporter.InputName] = Feed(model, xt) };
            var result = OrtRunner.Run(bytes, feed);
            foreach (var key in states.Keys.ToList()) states[key] = result[key.Replace("_in_", "_out_", StringComparison.Ordinal)];
            var y = result[OnnxExporter.OutputName];
            for (int b = 0; b < Batch; b++)
                for (int j = 0; j < width; j++)
                {
                    float expected = sequences ? whole[b, t, j] : (t == Steps - 1 ? whole[b, j] : y.Data[b * width + j]);
                    worst = Math.Max(worst, Math.Abs(expected - y.Data[(sequences ? b : b) * width + j]));
                }
        }
        Assert.True(worst <= Tolerance, $"{name}: max abs diff {worst:G3} over {Steps} steps");
    }

    [Fact]
    public void Step_model_refuses_bidirectional_layers_by_name()
    {
        var e = Assert.Throws<ModelConfigurationException>(() => OnnxExporter.Export(Model("bi-lstm"), new OnnxExportOptions { Kind = OnnxGraphKind.Step }));
        Assert.Contains("bidirectional_1", e.Message);
    }

    [Theory]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public void Every_supported_opset_runs_and_matches(int opset)
    {
        var model = Model("stacked-mixed");
        var x = Input(model);
        var ort = OrtRunner.Run(OnnxExporter.Export(model, new OnnxExportOptions { Opset = opset }), new() { [OnnxExporter.InputName] = x });
        Assert.True(OrtRunner.MaxAbsDiff(model.Predict(x), ort[OnnxExporter.OutputName]) <= Tolerance);
    }

    [Fact]
    public void Unsupported_opsets_and_unbuilt_models_are_refused()
    {
        Assert.Contains("Opset 12", Assert.Throws<ModelConfigurationException>(() => OnnxExporter.Export(Model("lstm"), new OnnxExportOptions { Opset = 12 })).Message);
        Assert.Contains("not built", Assert.Throws<ModelConfigurationException>(() => OnnxExporter.Export(new Sequential(new Lstm(2)))).Message);
    }

    [Fact]
    public void Keras_activations_are_written_as_the_onnx_activations_attribute()
    {
        static string[] Activations(string name, string op) =>
            Proto.ModelProto.Parser.ParseFrom(OnnxExporter.Export(Model(name))).Graph.Node.First(n => n.OpType == op)
                .Attribute.FirstOrDefault(a => a.Name == "activations")?.Strings.Select(b => b.ToStringUtf8()).ToArray() ?? [];

        Assert.Equal(["Sigmoid", "Relu", "Relu"], Activations("lstm-relu-seed000", "LSTM"));
        Assert.Equal(["HardSigmoid", "Affine"], Activations("gru-linear-hard", "GRU"));
        Assert.Equal(["HardSigmoid", "HardSigmoid", "HardSigmoid", "HardSigmoid", "HardSigmoid", "HardSigmoid"], Activations("bi-lstm-hard", "LSTM"));
        // Keras's defaults write no attribute: files of existing models keep their bytes.
        Assert.Empty(Activations("lstm", "LSTM"));
    }

}
