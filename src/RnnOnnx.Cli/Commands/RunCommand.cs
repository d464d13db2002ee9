using System.CommandLine;
using RnnOnnx.Runtime.Tensors;
using RnnOnnx.Runtime;

namespace RnnOnnx.Cli.Commands;

/// <summary>`rnnonnx run --model M.onnx --input IN.json --out OUT.json [--provider cpu|cuda[:N]|auto[:N]]`.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter error)
    {
        var model = new Option<string>("--model") { Description = "The ONNX model file", Required = true };
        var input = new Option<string>("--input") { Description = "Input tensors: {\"name\": {\"shape\": [...], \"data\": [...]}}", Required = true };
        var output = CliPaths.Output("--out", "Where to write every output, as JSON of the same form (- = standard output)", required: true);
        var provider = new Option<string>("--provider") { Description = "cpu (default), cuda[:DEVICE] or auto[:DEVICE]", DefaultValueFactory = _ => "cpu" };
        var command = new Command("run", "Run an ONNX model once on tensors from a JSON file and write its outputs as JSON.") { model, input, output, provider };
        command.SetAction(parse =>
        {
            var executionProvider = ExecutionProvider.Parse(parse.GetValue(provider)!);
            TensorFileRunner.Run(parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(output)!,
                executionProvider, warning: message => error.WriteLine("warning: " + message));
            return 0;
        });
        return command;
    }
}
