using System.Text;
using System.Text.Json;
using Google.Protobuf;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx;

/// <summary>
/// Merges the step graphs of an ensemble's members into one ONNX graph whose output is their mean (ONNX
/// <c>Mean</c>), so the ensemble stays one self-contained file and one ONNX Runtime call. Member e's names get the
/// prefix <c>m{e}/</c>, except the shared <c>input</c>; its state k becomes state e·K + k, keeping the
/// <c>h_in_k</c>/<c>h_out_k</c> names of the step-graph contract (<see cref="StepGraph"/>). The merged file's
/// <c>rnnonnx.architecture</c> describes the ensemble: <c>{"format":"rnnonnx-ensemble","combine":"mean","count":N,"members":[…]}</c>
/// with each member's own architecture.
/// </summary>
public static class OnnxEnsemble
{
    /// <summary>The <c>format</c> of an ensemble's <c>rnnonnx.architecture</c> JSON.</summary>
    public const string ArchitectureFormat = "rnnonnx-ensemble";

    /// <summary>One model whose output is the mean of the members' outputs; a single member is returned as it is.</summary>
    /// <param name="members">Step graphs exported by <see cref="OnnxExporter"/> with the same input.</param>
    public static byte[] Mean(IReadOnlyList<byte[]> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var models = members.Select(m => ModelProto.Parser.ParseFrom(m)).ToList();
        if (models.Count == 1) return members[0];
        var merged = models[0].Clone();
        var graph = merged.Graph;
        graph.Node.Clear(); graph.Initializer.Clear(); graph.Input.Clear(); graph.Output.Clear(); graph.ValueInfo.Clear();
        int statesPerMember = Math.Max(1, models[0].Graph.Input.Count(i => StepGraph.TryParseStateName(i.Name, out var kind, out bool isInput, out _) && isInput && kind == StateKind.Hidden));
        var outputs = new List<string>();
        ValueInfoProto? outputInfo = null;
        for (int e = 0; e < models.Count; e++)
        {
            var g = models[e].Graph;
            string Rename(string name)
            {
                if (name.Length == 0 || name == OnnxExporter.InputName) return name;
                if (StepGraph.TryParseStateName(name, out var kind, out bool isInput, out int layer))
                {
                    int merged = e * statesPerMember + layer;
                    return isInput ? StepGraph.StateInputName(kind, merged) : StepGraph.StateOutputName(kind, merged);
                }
                return $"m{e}/{name}";
            }
            foreach (var node in g.Node)
            {
                var copy = node.Clone();
                copy.Name = $"m{e}/{node.Name}";
                for (int i = 0; i < copy.Input.Count; i++) copy.Input[i] = Rename(copy.Input[i]);
                for (int i = 0; i < copy.Output.Count; i++) copy.Output[i] = Rename(copy.Output[i]);
                graph.Node.Add(copy);
            }
            foreach (var init in g.Initializer) { var copy = init.Clone(); copy.Name = Rename(init.Name); graph.Initializer.Add(copy); }
            foreach (var input in g.Input)
            {
                if (e > 0 && input.Name == OnnxExporter.InputName) continue;
                var copy = input.Clone(); copy.Name = Rename(input.Name); graph.Input.Add(copy);
            }
            foreach (var output in g.Output)
            {
                var copy = output.Clone(); copy.Name = Rename(output.Name);
                if (output.Name == OnnxExporter.OutputName) { outputs.Add(copy.Name); outputInfo ??= output.Clone(); }
                else graph.Output.Add(copy);
            }
        }
        graph.Node.Add(new NodeProto { Name = "ensemble/mean", OpType = "Mean", Input = { outputs }, Output = { OnnxExporter.OutputName } });
        graph.Output.Insert(0, outputInfo!);
        var architecture = merged.MetadataProps.FirstOrDefault(p => p.Key == RnnOnnxMetadata.Architecture);
        if (architecture is not null) architecture.Value = DescribeEnsemble(models);
        return merged.ToByteArray();
    }

    /// <summary>The ensemble's architecture JSON: format, how outputs combine, member count and each member's architecture.</summary>
    private static string DescribeEnsemble(List<ModelProto> models)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", ArchitectureFormat);
            json.WriteString("combine", "mean");
            json.WriteNumber("count", models.Count);
            json.WriteStartArray("members");
            foreach (var model in models)
            {
                string? member = model.MetadataProps.FirstOrDefault(p => p.Key == RnnOnnxMetadata.Architecture)?.Value;
                if (member is null) json.WriteNullValue();
                else
                {
                    // Members written by OnnxExporter carry JSON; anything else is kept as a string.
                    try
                    {
                        using var parsed = JsonDocument.Parse(member);
                        parsed.RootElement.WriteTo(json);
                    }
                    catch (JsonException) { json.WriteStringValue(member); }
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
