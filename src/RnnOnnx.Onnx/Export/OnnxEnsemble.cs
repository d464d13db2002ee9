using System.Text.RegularExpressions;
using Google.Protobuf;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx;

/// <summary>
/// Merges the step graphs of an ensemble's members into one ONNX graph whose output is their mean (ONNX
/// <c>Mean</c>), so the ensemble stays one self-contained file and one ONNX Runtime call. Member e's names get the
/// prefix <c>m{e}/</c>, except the shared <c>input</c>; its state k becomes state e·K + k, keeping the
/// <c>h_in_k</c>/<c>h_out_k</c> convention that state discovery relies on.
/// </summary>
public static partial class OnnxEnsemble
{
    [GeneratedRegex(@"^(h|c)_(in|out)_(\d+)$")]
    private static partial Regex StateName();

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
        int statesPerMember = Math.Max(1, models[0].Graph.Input.Count(i => StateName().IsMatch(i.Name) && i.Name.StartsWith('h')));
        var outputs = new List<string>();
        ValueInfoProto? outputInfo = null;
        for (int e = 0; e < models.Count; e++)
        {
            var g = models[e].Graph;
            string Rename(string name)
            {
                if (name.Length == 0 || name == OnnxExporter.InputName) return name;
                var m = StateName().Match(name);
                if (m.Success) return $"{m.Groups[1].Value}_{m.Groups[2].Value}_{e * statesPerMember + int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)}";
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
        return merged.ToByteArray();
    }
}
