using System.CommandLine;
using RnnOnnx.Onnx;

namespace RnnOnnx.Cli.Commands;

/// <summary>`rnnonnx inspect MODEL.onnx [--json]`: inputs, outputs, operators, state pairs and metadata of any ONNX model.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "The ONNX model file" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var command = new Command("inspect", "Show an ONNX model's inputs, outputs, operators, recurrent state pairs and metadata.") { model, json };
        command.SetAction(parse =>
        {
            var info = OnnxModelInfo.Read(parse.GetValue(model)!);
            if (parse.GetValue(json)) output.WriteLine(info.ToJson());
            else Print(info, output);
            return 0;
        });
        return command;
    }

    private static void Print(OnnxModelInfo info, TextWriter output)
    {
        output.WriteLine($"producer:   {info.Producer}");
        output.WriteLine($"ir/opsets:  IR {info.IrVersion}; " + string.Join(", ", info.Opsets.Select(o => $"{(o.Key.Length == 0 ? "ai.onnx" : o.Key)} {o.Value}")));
        output.WriteLine($"weights:    {info.ParameterCount:N0}");
        output.WriteLine("inputs:");
        foreach (var v in info.Inputs) output.WriteLine($"  {v}");
        output.WriteLine("outputs:");
        foreach (var v in info.Outputs) output.WriteLine($"  {v}");
        output.WriteLine("operators:  " + string.Join(", ", info.Operators.Select(o => $"{o.Key}×{o.Value}")));
        output.WriteLine(info.StatePairs.Count == 0 ? "state:      none (stateless graph)" : "state pairs:");
        foreach (var p in info.StatePairs) output.WriteLine($"  {p.Input} → {p.Output}  ({p.Kind}, node {p.Node})");
        if (info.Metadata.Count > 0) output.WriteLine("metadata:");
        foreach (var (key, value) in info.Metadata)
            output.WriteLine($"  {key} = {(value.Length > 120 ? value[..117] + "..." : value)}");
    }
}
