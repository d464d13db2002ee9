using RnnOnnx.Onnx.Export;
using RnnOnnx.Onnx.Proto;
using RnnOnnx.Tests;

namespace RnnOnnx.Onnx.Tests.Import;

/// <summary>Files that are not ONNX, and ONNX the trainer cannot represent, fail with typed errors that name the node and the problem.</summary>
public class BadModelTests
{
    private static T Refused<T>(ModelProto model) where T : Exception => Assert.Throws<T>(() => OnnxImporter.Import(model.Bytes()));

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(0.33)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(-1)]
    public void Truncated_files_are_model_file_errors(double keep)
    {
        var bytes = OnnxExporter.Export(ExportParityTests.Model("seed"));
        int length = keep switch { < 0 => bytes.Length - 1, < 1 => (int)(bytes.Length * keep), _ => (int)keep };

        var e = Assert.Throws<ModelFileException>(() => OnnxImporter.Import(bytes[..length]));

        Assert.Contains("ONNX model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_random_and_foreign_bytes_are_model_file_errors()
    {
        Assert.Contains("empty", Assert.Throws<ModelFileException>(() => OnnxImporter.Import([])).Message, StringComparison.Ordinal);
        for (ulong seed = 1; seed <= 30; seed++)
        {
            var noise = TestData.Uniform(seed, 1f, 64 + (int)seed * 13).Data.Select(v => (byte)(v * 127 + 128)).ToArray();
            Assert.Throws<ModelFileException>(() => OnnxImporter.Import(noise));
        }
        Assert.Throws<ModelFileException>(() => OnnxImporter.Import("name,value\n1,2\n"u8.ToArray()));
        using var saved = new MemoryStream();
        ExportParityTests.Model("lstm").Save(saved); // our own model format is not ONNX
        Assert.Throws<ModelFileException>(() => OnnxImporter.Import(saved.ToArray()));
    }

    [Fact]
    public void A_missing_file_is_a_model_file_error_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), "rnnonnx-no-such-file.onnx");
        Assert.Contains(path, Assert.Throws<ModelFileException>(() => OnnxImporter.Import(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_operator_is_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("gru");
        model.Node("Tanh").OpType = "Softsign";

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("dense_1/Tanh", e.NodeName);
        Assert.Equal("Softsign", e.OperatorType);
        Assert.Contains("operator 'Softsign' is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operator_of_another_domain_is_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("lstm");
        model.Node("LSTM").Domain = "com.microsoft";

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("lstm_1/LSTM", e.NodeName);
        Assert.Contains("com.microsoft", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(22)]
    public void Opsets_outside_7_to_21_are_refused(long opset)
    {
        var model = ProtoEdits.Exported("lstm");
        model.OpsetImport[0].Version = opset;

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Null(e.NodeName);
        Assert.Contains($"opset {opset}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_a_default_opset_is_a_model_file_error()
    {
        var model = ProtoEdits.Exported("lstm");
        model.OpsetImport.Clear();
        Assert.Contains("no opset", Refused<ModelFileException>(model).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hidden_size_that_disagrees_with_the_weights_is_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("lstm");
        model.Node("LSTM").SetAttribute(GraphBuilder.Int("hidden_size", 4));

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("lstm_1/LSTM", e.NodeName);
        Assert.Contains("W has dims [1, 20, 3], but hidden_size 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recurrent_weights_of_the_wrong_shape_are_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("gru");
        model.Replace(model.Initializer("gru_1/R"), 1, 18, 5);

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("gru_1/GRU", e.NodeName);
        Assert.Contains("R has dims [1, 18, 5], but hidden_size 6", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dense_weights_that_do_not_fit_the_previous_layer_are_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("lstm");
        model.Replace(model.Initializer("dense_1/kernel"), 4, 2);

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("dense_1/MatMul", e.NodeName);
        Assert.Contains("the input has 5 features, but the weight [4, 2] expects 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bias_of_the_wrong_width_is_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("lstm");
        model.Replace(model.Initializer("dense_1/bias"), 3);

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("dense_1/Add", e.NodeName);
        Assert.Contains("the bias has dims [3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensors_whose_data_disagree_with_their_dims_are_model_file_errors_naming_tensor_and_node()
    {
        var model = ProtoEdits.Exported("lstm");
        var w = model.Initializer("lstm_1/W");
        w.RawData = Google.Protobuf.ByteString.CopyFrom(w.RawData.Span[..^4]);

        var e = Refused<ModelFileException>(model);

        Assert.Contains($"tensor '{w.Name}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("lstm_1/LSTM", e.Message, StringComparison.Ordinal);

        var huge = ProtoEdits.Exported("lstm");
        huge.Initializer("lstm_1/R").Dims[1] = 1L << 40; // must not allocate: dims are checked against the data first
        Assert.Contains("corrupt", Refused<ModelFileException>(huge).Message, StringComparison.Ordinal);
    }

    private static readonly (string Model, string Op, AttributeProto Attribute, string Problem)[] CellOptionCases =
    [
        ("lstm", "LSTM", ProtoEdits.Float("clip", 3f), "clip is set"),
        ("lstm", "LSTM", GraphBuilder.Int("input_forget", 1), "input_forget=1"),
        ("lstm", "LSTM", GraphBuilder.Int("layout", 1), "layout=1"),
        ("lstm", "LSTM", GraphBuilder.Strings("activations", "Sigmoid", "Tanh", "Relu"), "one function for both"),
        ("lstm", "LSTM", GraphBuilder.Strings("activations", "Sigmoid", "Softsign", "Softsign"), "activation 'Softsign'"),
        ("gru", "GRU", GraphBuilder.Strings("activations", "Sigmoid"), "2 per direction"),
        ("bi-lstm", "LSTM", GraphBuilder.Strings("activations", "Sigmoid", "Tanh", "Tanh", "Sigmoid", "Relu", "Relu"), "differ between directions"),
        ("lstm", "LSTM", GraphBuilder.String("direction", "reverse"), "direction 'reverse'"),
        ("lstm", "LSTM", GraphBuilder.Strings("activation_alpha", "1"), "activation_alpha"),
        ("gru", "GRU", GraphBuilder.Int("linear_before_reset", 0), "linear_before_reset=0"),
        ("gru-linear-hard", "GRU", GraphBuilder.Floats("activation_alpha", 0.2f, 2f), "activation_alpha 2"),
        ("gru-linear", "GRU", GraphBuilder.Floats("activation_alpha"), "ambiguous"),
        ("gru-hard", "GRU", GraphBuilder.Floats("activation_beta", 0.5f, 0.5f), "take 1"),
        ("rnn-tanh", "RNN", GraphBuilder.Strings("activations", "Sigmoid"), "Tanh or Relu"),
    ];

    public static TheoryData<int> CellOptions() => new(Enumerable.Range(0, CellOptionCases.Length));

    [Theory]
    [MemberData(nameof(CellOptions))]
    public void Cell_options_the_trainer_does_not_have_are_refused_naming_the_node(int index)
    {
        var (name, op, attribute, problem) = CellOptionCases[index];
        var model = ProtoEdits.Exported(name);
        var node = model.Node(op);
        node.SetAttribute(attribute);

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal(node.Name, e.NodeName);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_activation_on_a_recurrent_output_is_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("lstm");
        var squeeze = model.Graph.Node.First(n => n.OpType == "Squeeze" && n.Name.StartsWith("lstm_1", StringComparison.Ordinal));
        model.InsertAfter(squeeze.Output[0], "Relu", "extra/Relu");

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("extra/Relu", e.NodeName);
        Assert.Contains("LSTM 'lstm_1/LSTM'", e.Message, StringComparison.Ordinal);
        Assert.Contains("only inside Dense layers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_branching_chain_is_refused_naming_the_node()
    {
        // In the step model every recurrent layer's state is a graph output, so the GRU stays in the graph when the
        // RNN reads the GRU's input instead of its output: two layers read the LSTM's output.
        var model = ProtoEdits.Exported("stacked-mixed", new OnnxExportOptions { Kind = OnnxGraphKind.Step });
        model.Node("RNN").Input[0] = model.Node("GRU").Input[0];

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("simplernn_1/RNN", e.NodeName);
        Assert.Contains("comes from LSTM 'lstm_1/LSTM', but GRU 'gru_1/GRU' follows it", e.Message, StringComparison.Ordinal);
        Assert.Contains("no branches or skip connections", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_residual_add_is_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("dense-only");
        var output = model.Graph.Node.Single(n => n.Output.Contains(OnnxExporter.OutputName));
        var residual = new NodeProto { OpType = "Add", Name = "residual/Add" };
        residual.Input.AddRange([output.Input[0], OnnxExporter.InputName]);
        residual.Output.Add("residual");
        model.Graph.Node.Insert(model.Graph.Node.IndexOf(output), residual);
        output.Input[0] = "residual";

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal("residual/Add", e.NodeName);
        Assert.Contains("the only arithmetic on data the importer maps is a dense layer's bias", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nonzero_constant_initial_state_is_refused_naming_the_node()
    {
        var model = ProtoEdits.Exported("gru", new OnnxExportOptions { Kind = OnnxGraphKind.Step });
        var gru = model.Node("GRU");
        var state = new TensorProto { Name = "h0", DataType = (int)TensorProto.Types.DataType.Float };
        state.Dims.AddRange([1, 1, 6]);
        state.FloatData.AddRange(Enumerable.Repeat(0.5f, 6));
        model.Graph.Initializer.Add(state);
        gru.Input[5] = "h0";

        var e = Refused<UnsupportedOnnxModelException>(model);

        Assert.Equal(gru.Name, e.NodeName);
        Assert.Contains("initial_h is a non-zero constant", e.Message, StringComparison.Ordinal);
    }
}
