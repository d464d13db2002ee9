namespace RnnOnnx.Cli.Training;

/// <summary>A parsed recipe of one task: what `rnnonnx train` runs. Registered by task name in <see cref="RecipeTasks"/>.</summary>
internal interface ITrainingRecipe
{
    /// <summary>The recipe with its data paths taken from <paramref name="recipeFolder"/> when relative.</summary>
    ITrainingRecipe RelativeTo(string recipeFolder);

    /// <summary>
    /// The checkpoint the task writes each epoch for <paramref name="outPath"/>, or null when it keeps none (then
    /// `--resume` is refused and Ctrl+C simply ends the process).
    /// </summary>
    string? CheckpointPath(string outPath);

    /// <summary>Trains, writes the ONNX model to <paramref name="outPath"/> (atomically) and returns the summary line.</summary>
    /// <param name="resumeFrom">A checkpoint to continue from (only when <see cref="CheckpointPath"/> is not null).</param>
    /// <param name="stop">The user's request to stop: the task stops at its next safe point, leaving its checkpoint.</param>
    string Train(string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop);
}
