using System.CommandLine;
using RnnOnnx.Runtime.Tensors;
using RnnOnnx.Runtime;

namespace RnnOnnx.Cli.Commands;

/// <summary>`rnnonnx run --model M.onnx --input IN.json --out OUT.json [--provider cpu|cuda[:N]|auto[:N]]`.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter error)
    {
        var model = new Option<FileInfo>("--model") { Description = "The ONNX model file", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Input tensors: {\"name\": {\"shape\": [...], \"data\": [...]}}", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write every output, as JSON of the same form", Required = true };
        var provider = new Option<string>("--provider") { Description = "cpu (default), cuda[:DEVICE] or auto[:DEVICE]", DefaultValueFactory = _ => "cpu" };
        var command = new Command("run", "Run an ONNX model once on tensors from a JSON file and write its outputs as JSON.") { model, input, output, provider };
        command.SetAction(parse =>
        {
            ExecutionProvider executionProvider;
            try { executionProvider = ExecutionProvider.Parse(parse.GetValue(provider)!); }
            catch (FormatException e) { throw new ArgumentException(e.Message, e); }
            TensorFileRunner.Run(parse.GetValue(model)!.FullName, parse.GetValue(input)!.FullName, parse.GetValue(output)!.FullName,
                executionProvider, warning: message => error.WriteLine("warning: " + message));
            return 0;
        });
        return command;
    }
}
