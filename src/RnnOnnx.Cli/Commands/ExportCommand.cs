using System.CommandLine;
using RnnOnnx.Onnx;
using RnnOnnx.Training;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx export --model M.rnnonnx --out M.onnx`: a native model file as standard ONNX; with `--triton REPO` (instead of
/// --out) a Triton model repository entry (see <see cref="TritonExportCommand"/>).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<FileInfo>("--model") { Description = "Native model file written by Sequential.Save (with --triton also an ONNX file)", Required = true };
        var outPath = CliPaths.Output("--out", "ONNX file to write (atomically; - = standard output); required unless --triton");
        var triton = new TritonExportCommand();
        var opset = new Option<int>("--opset") { Description = "ONNX opset, 14 to 21", DefaultValueFactory = _ => OnnxExportOptions.DefaultOpset };
        var step = new Option<bool>("--step") { Description = "Write the step model: recurrent state as explicit inputs and outputs" };
        var lengths = new Option<bool>("--sequence-lengths") { Description = "Add an int32 sequence_lens input for padded batches" };
        var task = new Option<string>("--task")
        {
            Description = $"rnnonnx.task metadata: {string.Join(", ", ModelTasks.Names)}",
            DefaultValueFactory = _ => ModelTask.Sequence.ToMetadataName(),
        };
        var command = new Command("export", "Export a native model file to ONNX (native LSTM/GRU/RNN operators).") { model, outPath, opset, step, lengths, task };
        foreach (var option in triton.Options) command.Options.Add(option);
        command.SetAction(parse =>
        {
            string taskName = parse.GetValue(task)!;
            if (!ModelTasks.TryParse(taskName, out var modelTask))
                throw new ArgumentException($"--task '{taskName}' is not a task; choose one of {string.Join(", ", ModelTasks.Names)}.");
            var options = new OnnxExportOptions
            {
                Opset = parse.GetValue(opset),
                Kind = parse.GetValue(step) ? OnnxGraphKind.Step : OnnxGraphKind.Full,
                SequenceLengths = parse.GetValue(lengths),
                Task = modelTask,
            };
            bool toTriton = parse.GetValue(triton.Repository) is not null;
            if (toTriton == parse.GetValue(outPath) is not null) throw new ArgumentException("Give exactly one of --out FILE.onnx and --triton REPO.");
            if (toTriton) return triton.Run(parse, parse.GetValue(model)!, sequential => OnnxExporter.Export(sequential, options), output);
            var sequential = Sequential.Load(parse.GetValue(model)!.FullName);
            string path = parse.GetValue(outPath)!;
            OnnxExporter.Export(sequential, path, options);
            CliPaths.Wrote(output, path);
            return 0;
        });
        return command;
    }
}
