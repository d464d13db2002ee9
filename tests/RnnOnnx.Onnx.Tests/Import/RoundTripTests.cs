using Google.Protobuf;
using RnnOnnx.Layers;
using RnnOnnx.Onnx.Proto;
using RnnOnnx.Tests;

namespace RnnOnnx.Onnx.Tests.Import;

/// <summary>Our own exports come back: export → import gives bit-identical weights and the same predictions, for full, variable-length and step graphs.</summary>
public class RoundTripTests
{
    private const float Tolerance = 1e-5f;
    private static readonly int[] Ragged = [7, 3, 5, 1];

    [Theory]
    [MemberData(nameof(ExportParityTests.AllModels), MemberType = typeof(ExportParityTests))]
    public void Full_export_comes_back_with_identical_weights_and_predictions(string name)
    {
        var model = ExportParityTests.Model(name);
        var bytes = OnnxExporter.Export(model);

        var imported = OnnxImporter.Read(bytes);

        ImportChecks.SameWeights(model, imported.Model);
        Assert.Equal(OnnxExporter.InputName, imported.InputName);
        Assert.Equal(OnnxExporter.OutputName, imported.OutputName);
        Assert.False(imported.InputIsTimeMajor);
        Assert.False(imported.OutputIsTimeMajor);
        Assert.Null(imported.SequenceLengthsName);
        var x = ExportParityTests.Input(model);
        Assert.True(OrtRunner.MaxAbsDiff(model.Predict(x), imported.Model.Predict(x)) <= Tolerance);
        // Without dropout (which export leaves out) the re-export is the same file, byte for byte: names, order and weights survive.
        if (!model.Layers.OfType<Dropout>().Any()) Assert.Equal(bytes, OnnxExporter.Export(imported.Model));
    }

    [Theory]
    [MemberData(nameof(ExportParityTests.SequenceModels), MemberType = typeof(ExportParityTests))]
    public void Variable_length_export_comes_back_and_matches_onnx_runtime(string name)
    {
        var model = ExportParityTests.Model(name);
        var bytes = OnnxExporter.Export(model, new OnnxExportOptions { SequenceLengths = true });

        var imported = OnnxImporter.Read(bytes);

        ImportChecks.SameWeights(model, imported.Model);
        Assert.Equal(OnnxExporter.SequenceLengthsName, imported.SequenceLengthsName);
        var x = ExportParityTests.Input(model);
        var ort = OrtRunner.Run(bytes, new() { [OnnxExporter.InputName] = ExportParityTests.Feed(model, x), [OnnxExporter.SequenceLengthsName] = Ragged });
        float diff = OrtRunner.MaxAbsDiff(imported.Model.Predict(x, Ragged), ort[OnnxExporter.OutputName]);
        Assert.True(diff <= Tolerance, $"{name}: max abs diff {diff:G3}");
    }

    [Theory]
    [MemberData(nameof(ExportParityTests.UnidirectionalModels), MemberType = typeof(ExportParityTests))]
    public void Step_export_comes_back_and_carries_state_like_onnx_runtime(string name)
    {
        var model = ExportParityTests.Model(name);
        var bytes = OnnxExporter.Export(model, new OnnxExportOptions { Kind = OnnxGraphKind.Step });

        var imported = OnnxImporter.Read(bytes);

        ImportChecks.SameWeights(model, imported.Model);
        // Run the whole sequence through the step graph at once from random states; the trainer's Predict with
        // initial states must give the same output and final states.
        var x = ExportParityTests.Input(model);
        int batch = x.Dim(0);
        var cells = imported.Model.RecurrentLayers;
        var feed = new Dictionary<string, object> { [OnnxExporter.InputName] = ExportParityTests.Feed(model, x) };
        var initial = new List<Tensor>();
        ulong seed = 50;
        for (int k = 0; k < cells.Count; k++)
            foreach (var state in cells[k].StateCount == 2 ? new[] { "h", "c" } : ["h"])
            {
                var value = TestData.Uniform(seed++, 0.8f, batch, cells[k].Units);
                feed[$"{state}_in_{k}"] = value;
                initial.Add(value);
            }
        var ort = OrtRunner.Run(bytes, feed);

        var y = imported.Model.Predict(x, initial, out var finals);

        float worst = OrtRunner.MaxAbsDiff(y, ort[OnnxExporter.OutputName]);
        int i = 0;
        for (int k = 0; k < cells.Count; k++)
            foreach (var state in cells[k].StateCount == 2 ? new[] { "h", "c" } : ["h"])
                worst = Math.Max(worst, OrtRunner.MaxAbsDiff(finals[i++], ort[$"{state}_out_{k}"]));
        Assert.True(worst <= Tolerance, $"{name}: max abs diff {worst:G3}");
    }

    [Fact]
    public void Weights_in_float_data_inside_constant_nodes_import_like_raw_initializers()
    {
        var model = ExportParityTests.Model("embedding-bi-gru");
        var proto = ModelProto.Parser.ParseFrom(OnnxExporter.Export(model));
        // Every initializer becomes a Constant node (at the front) whose tensor keeps floats in float_data, not raw_data.
        var constants = proto.Graph.Initializer.Select(t =>
        {
            var tensor = t.Clone();
            if (tensor.DataType == (int)TensorProto.Types.DataType.Float)
            {
                tensor.FloatData.AddRange(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray());
                tensor.RawData = ByteString.Empty;
            }
            var node = new NodeProto { OpType = "Constant", Name = "constant/" + t.Name };
            node.Output.Add(t.Name);
            node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
            return node;
        }).ToList();
        proto.Graph.Initializer.Clear();
        for (int i = constants.Count - 1; i >= 0; i--) proto.Graph.Node.Insert(0, constants[i]);

        var imported = OnnxImporter.Import(proto.ToByteArray());

        ImportChecks.SameWeights(model, imported);
    }

    [Fact]
    public void Files_import_like_bytes_and_layer_names_survive()
    {
        var model = ExportParityTests.Model("bi-rnn-stacked");
        string path = Path.Combine(Path.GetTempPath(), $"rnnonnx-import-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(model, path);
            var imported = OnnxImporter.Import(path);
            Assert.Equal(model.Layers.Select(l => l.Name), imported.Layers.Select(l => l.Name));
            ImportChecks.SameWeights(model, imported);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
