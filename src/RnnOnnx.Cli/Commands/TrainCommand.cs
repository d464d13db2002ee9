using System.CommandLine;
using System.Globalization;
using RnnOnnx.Cli.Text;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx train --recipe RECIPE.json --out MODEL.onnx [--resume CHECKPOINT]` (DESIGN §5): trains the recipe's
/// model (today: a character language model, task "generate"), checkpointing after every epoch next to the output,
/// and exports the step graph that `rnnonnx generate` runs.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var recipe = new Option<FileInfo>("--recipe") { Description = "JSON recipe: task, data, architecture, optimizer, lr, epochs, batch, window, seed", Required = true };
        var outFile = new Option<FileInfo>("--out") { Description = "The ONNX step model to write (checkpoint: OUT.ckpt)", Required = true };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue from this checkpoint; ends as an uninterrupted run would" };
        var command = new Command("train", "Train a model from a JSON recipe and export it as ONNX (Ctrl+C leaves a checkpoint to --resume from).")
        {
            recipe, outFile, resume,
        };
        command.SetAction(parse =>
        {
            var r = TextRecipe.Load(parse.GetValue(recipe)!.FullName);
            string outPath = parse.GetValue(outFile)!.FullName;
            string? resumePath = parse.GetValue(resume)?.FullName;
            if (resumePath is not null && !File.Exists(resumePath)) throw new FileNotFoundException($"Checkpoint '{resumePath}' does not exist.");
            using var cancel = new CancellationTokenSource();
            // Ctrl+C stops between batches so that the checkpoint written on cancellation is complete and loadable.
            // A second Ctrl+C is not intercepted, so it ends the process at once without a checkpoint.
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                if (cancel.IsCancellationRequested) return;
                e.Cancel = true;
                cancel.Cancel();
                error.WriteLine("stopping at the next safe point (within the second epoch at the latest) to write a checkpoint; press Ctrl+C again to quit without one");
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                var result = CharModelTrainer.Train(r, outPath, resumePath, line => output.WriteLine(line), cancel.Token);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {outPath}: vocabulary {result.Vocabulary.Count}, {result.Model.ParameterCount} weights, final loss {result.Loss:F4}, " +
                    $"validation {(result.ValidationBitsPerChar is { } b ? b.ToString("F4", CultureInfo.InvariantCulture) : "-")} bits/char, {result.Elapsed.TotalSeconds:F1} s"));
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                string checkpoint = CharModelTrainer.CheckpointPath(outPath);
                throw new OperationCanceledException($"training cancelled; checkpoint saved at {checkpoint}: continue with --resume {checkpoint}");
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            return 0;
        });
        return command;
    }
}
