using System.Text.Json;
using RnnOnnx.Layers;
using RnnOnnx.Training;

namespace RnnOnnx.Onnx.Tests;

/// <summary>The step-graph contract: names, tasks and metadata written in one place and read back the same way.</summary>
public sealed class StepGraphContractTests
{
    [Theory]
    [InlineData(ModelTask.Sequence, "sequence")]
    [InlineData(ModelTask.Forecast, "forecast")]
    [InlineData(ModelTask.Generate, "generate")]
    [InlineData(ModelTask.Caption, "caption")]
    [InlineData(ModelTask.Motor, "motor")]
    public void Tasks_are_written_and_read_as_the_files_strings(ModelTask task, string name)
    {
        Assert.Equal(name, task.ToMetadataName());
        Assert.True(ModelTasks.TryParse(name, out var parsed));
        Assert.Equal(task, parsed);
        Assert.Equal(task, ModelTasks.Parse(name.ToUpperInvariant()));
        var bytes = OnnxExporter.Export(TestModels.Lstm, new OnnxExportOptions { Task = task });
        var info = OnnxModelInfo.Read(bytes);
        Assert.Equal(name, info.Metadata[RnnOnnxMetadata.Task]);
        Assert.Equal(task, info.StepGraph.Task);
    }

    [Fact]
    public void Unknown_tasks_are_refused_with_the_allowed_names()
    {
        Assert.False(ModelTasks.TryParse("bogus", out _));
        Assert.False(ModelTasks.TryParse(null, out _));
        var e = Assert.Throws<ArgumentException>(() => ModelTasks.Parse("bogus"));
        Assert.Contains("'bogus'", e.Message, StringComparison.Ordinal);
        Assert.Contains("sequence, forecast, generate, caption, motor", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h_in_0", StateKind.Hidden, true, 0)]
    [InlineData("c_out_12", StateKind.Cell, false, 12)]
    public void State_names_round_trip(string name, StateKind kind, bool isInput, int layer)
    {
        Assert.True(StepGraph.TryParseStateName(name, out var k, out bool i, out int l));
        Assert.Equal((kind, isInput, layer), (k, i, l));
        Assert.Equal(name, isInput ? StepGraph.StateInputName(kind, layer) : StepGraph.StateOutputName(kind, layer));
    }

    [Theory]
    [InlineData("input")]
    [InlineData("h_in_")]
    [InlineData("h_in_01")]
    [InlineData("x_in_0")]
    [InlineData("h_inn_0")]
    [InlineData("h_in_-1")]
    [InlineData("h_in_1a")]
    public void Other_names_are_not_states(string name) => Assert.False(StepGraph.TryParseStateName(name, out _, out _, out _));

    [Fact]
    public void A_step_export_declares_its_contract()
    {
        var model = new Sequential(new Gru(5, returnSequences: true), new Lstm(4, returnSequences: true), new Dense(2));
        model.Build(new LayerShape(true, 3), seed: 1);
        var graph = OnnxModelInfo.Read(OnnxExporter.Export(model, new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = ModelTask.Forecast, Config = """{"horizon":2}""" })).StepGraph;
        Assert.Equal(ModelTask.Forecast, graph.Task);
        Assert.Equal(OnnxGraphKind.Step, graph.Kind);
        Assert.Equal("""{"horizon":2}""", graph.Config);
        Assert.NotNull(graph.Version);
        Assert.Equal(["input"], graph.DataInputs.Select(i => i.Name));
        Assert.Equal(["float"], graph.DataInputs.Select(i => i.ElementType));
        Assert.Equal(["batch", "time", "3"], graph.DataInputs[0].Dimensions);
        Assert.Equal(["output"], graph.DataOutputs.Select(o => o.Name));
        Assert.Equal(
            [("h_in_0", "h_out_0", StateKind.Hidden, 0, (int?)5), ("h_in_1", "h_out_1", StateKind.Hidden, 1, 4), ("c_in_1", "c_out_1", StateKind.Cell, 1, 4)],
            graph.States.Select(s => (s.InputName, s.OutputName, s.Kind, s.Layer, s.Width)));
        Assert.Equal(13, graph.StateWidth);

        var full = OnnxModelInfo.Read(OnnxExporter.Export(model)).StepGraph;
        Assert.Equal(OnnxGraphKind.Full, full.Kind);
        Assert.Empty(full.States);
    }

    [Fact]
    public void The_encoder_kind_is_only_for_the_encoder_half()
    {
        var e = Assert.Throws<ModelConfigurationException>(() => OnnxExporter.Export(TestModels.Lstm, new OnnxExportOptions { Kind = OnnxGraphKind.Encoder }));
        Assert.Contains("EncoderDecoder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ensembles_architecture_describes_every_member_and_its_states_follow_the_contract()
    {
        Sequential Member(int units, ulong seed)
        {
            var m = new Sequential(new Lstm(units, returnSequences: true), new Dense(1));
            m.Build(new LayerShape(true, 1), seed: seed);
            return m;
        }
        var members = new[] { Member(4, 1), Member(6, 2), Member(4, 3) };
        var exported = members.Select(m => OnnxExporter.Export(m, new OnnxExportOptions { Kind = OnnxGraphKind.Step, Task = ModelTask.Forecast })).ToList();
        var merged = OnnxModelInfo.Read(OnnxEnsemble.Mean(exported));

        using var doc = JsonDocument.Parse(merged.Metadata[RnnOnnxMetadata.Architecture]);
        var root = doc.RootElement;
        Assert.Equal(OnnxEnsemble.ArchitectureFormat, root.GetProperty("format").GetString());
        Assert.Equal("mean", root.GetProperty("combine").GetString());
        Assert.Equal(3, root.GetProperty("count").GetInt32());
        var architectures = root.GetProperty("members").EnumerateArray().Select(a => a.GetRawText()).ToList();
        Assert.Equal(3, architectures.Count);
        for (int e = 0; e < 3; e++)
        {
            using var member = JsonDocument.Parse(members[e].DescribeArchitecture());
            Assert.Equal(member.RootElement.GetRawText(), architectures[e]);
        }
        Assert.NotEqual(architectures[0], architectures[1]);

        Assert.Equal(ModelTask.Forecast, merged.StepGraph.Task);
        Assert.Equal(
            [("h_in_0", 4), ("c_in_0", 4), ("h_in_1", 6), ("c_in_1", 6), ("h_in_2", 4), ("c_in_2", 4)],
            merged.StepGraph.States.Select(s => (s.InputName, s.Width!.Value)));
        Assert.Equal(merged.StepGraph.States.Select(s => s.InputName), merged.StatePairs.Select(p => p.Input));
    }
}
