using System.CommandLine;
using System.Runtime.InteropServices;
using RnnOnnx.Cli.Training;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx train --recipe RECIPE.json --out MODEL.onnx [--resume CHECKPOINT]` (DESIGN §5): trains the model the
/// recipe's "task" names (<see cref="RecipeTasks"/>) and exports it as ONNX. Tasks with checkpoints write one each
/// epoch next to the output and stop at a safe point on Ctrl+C or SIGTERM
/// (exit 1, checkpoint kept; see the handler below). A progress bar on a terminal, plain lines otherwise.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        string tasks = string.Join(", ", RecipeTasks.Names);
        var recipe = new Option<FileInfo>("--recipe")
        {
            Description = $"JSON recipe: \"task\" ({tasks}), data, architecture, optimizer/lr, epochs, batch, seed… (see README)", Required = true,
        };
        var outFile = new Option<FileInfo>("--out") { Description = "The ONNX model to write (checkpoint, for tasks that keep one: OUT.ckpt)", Required = true };
        var resume = new Option<FileInfo?>("--resume")
        {
            Description = "Continue from this checkpoint; ends as an uninterrupted run would (tasks \"generate\" and \"caption\"; \"forecast\" keeps no checkpoints)",
        };
        var command = new Command("train", "Train a model from a JSON recipe and export it as ONNX (Ctrl+C or SIGTERM leaves a checkpoint to --resume from and exits 1).")
        {
            recipe, outFile, resume,
        };
        command.SetAction(parse =>
        {
            var r = RecipeTasks.Load(parse.GetValue(recipe)!.FullName);
            string outPath = parse.GetValue(outFile)!.FullName;
            string? resumePath = parse.GetValue(resume)?.FullName;
            if (resumePath is not null && !File.Exists(resumePath)) throw new FileNotFoundException($"Checkpoint '{resumePath}' does not exist.");
            string? checkpoint = r.CheckpointPath(outPath);
            using var cancel = new CancellationTokenSource();
            // A first SIGINT (Ctrl+C) or SIGTERM (kill, docker stop, systemd) stops between batches so that the checkpoint
            // written on cancellation is complete and loadable; the command then exits 1 with "error: training stopped
            // (…); checkpoint saved at …". A second signal is not intercepted, so it ends the process at once: every file
            // is written atomically, so that leaves the previous checkpoint and no partial model (a stray temporary file
            // is removed by the next write). A signal during the final write does not interrupt it. Tasks without
            // checkpoints are not intercepted at all: there is nothing to save.
            string? signal = null;
            void OnSignal(PosixSignalContext context)
            {
                if (cancel.IsCancellationRequested) return;
                context.Cancel = true;
                signal = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl+C";
                cancel.Cancel();
                error.WriteLine($"{signal}: stopping at the next safe point (within the second epoch at the latest) to write a checkpoint; signal again to quit without one");
            }
            using var onInterrupt = checkpoint is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var onTerminate = checkpoint is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            try
            {
                output.WriteLine(TerminalProgress.Run(output, error, progress => r.Train(outPath, resumePath, progress, cancel.Token)));
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException($"training stopped ({signal ?? "cancelled"}); checkpoint saved at {checkpoint}: continue with --resume {checkpoint}");
            }
            return 0;
        });
        return command;
    }
}
