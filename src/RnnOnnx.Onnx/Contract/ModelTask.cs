namespace RnnOnnx.Onnx;

/// <summary>
/// What an RnnOnnx model is for: the value of its <c>rnnonnx.task</c> metadata. Files keep the lower-case names
/// (<c>sequence</c>, <c>forecast</c>, <c>generate</c>, <c>caption</c>, <c>motor</c>); <see cref="ModelTasks"/> converts.
/// </summary>
public enum ModelTask
{
    /// <summary><c>sequence</c>: a general sequence model (the default), served by <c>/run</c> only.</summary>
    Sequence,

    /// <summary><c>forecast</c>: a time-series forecaster (RnnOnnx.Forecasting).</summary>
    Forecast,

    /// <summary><c>generate</c>: a character language model's step graph (RnnOnnx.Text).</summary>
    Generate,

    /// <summary><c>caption</c>: an image captioner's encoder or decoder step graph (RnnOnnx.Captioning).</summary>
    Caption,

    /// <summary><c>motor</c>: a motor-control policy's step graph (RnnOnnx.Motor).</summary>
    Motor,
}

/// <summary>The one place where <see cref="ModelTask"/> values meet the names written in <c>rnnonnx.task</c>.</summary>
public static class ModelTasks
{
    private static readonly string[] AllNames = ["sequence", "forecast", "generate", "caption", "motor"];

    /// <summary>Every task's metadata name, in the order of the enum.</summary>
    public static IReadOnlyList<string> Names => AllNames;

    /// <summary>The name written in <c>rnnonnx.task</c>, e.g. <c>forecast</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined task.</exception>
    public static string ToMetadataName(this ModelTask task) =>
        (uint)task < (uint)AllNames.Length ? AllNames[(int)task] : throw new ArgumentOutOfRangeException(nameof(task), task, "Not a model task.");

    /// <summary>Reads a <c>rnnonnx.task</c> value (exact lower-case name; null or unknown gives false).</summary>
    public static bool TryParse(string? name, out ModelTask task)
    {
        int i = name is null ? -1 : Array.IndexOf(AllNames, name);
        task = i < 0 ? default : (ModelTask)i;
        return i >= 0;
    }

    /// <summary>Reads a task name given by a user (case-insensitive), e.g. a command-line option.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message names the allowed ones.</exception>
    public static ModelTask Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name.Trim().ToLowerInvariant(), out var task)) return task;
        throw new ArgumentException($"Unknown task '{name}'; choose one of {string.Join(", ", AllNames)}.", nameof(name));
    }
}
