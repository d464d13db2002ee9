using System.Text.Json;

namespace RnnOnnx.Motor;

/// <summary>
/// Everything that determines a trained controller, as read from a recipe JSON (camelCase names, enums as strings,
/// unknown members refused): effector, task, sensing, training options, and how many batches to train.
/// The same recipe on the same build gives the same weights, hence the same ONNX bytes.
/// </summary>
public sealed record MotorRecipe
{
    /// <summary>Effector name: <c>arm26</c> or <c>pointmass</c>.</summary>
    public string Effector { get; init; } = "arm26";

    /// <summary>The reaching task.</summary>
    public ReachingTask Task { get; init; } = new();

    /// <summary>Delays and noise.</summary>
    public SensoryOptions Sensing { get; init; } = new();

    /// <summary>Policy size, loss weights, Adam, clipping, seed.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Training batches in all (a resumed run continues up to this count).</summary>
    public int Batches { get; init; } = 1000;

    /// <summary>
    /// Optional wall-clock budget, s: training also stops when it is used up (for timed comparisons; such a run is
    /// not reproducible).
    /// </summary>
    public double? TimeLimitSeconds { get; init; }

    /// <summary>Checkpoint every this many batches (0: only at the end).</summary>
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>Report progress every this many batches.</summary>
    public int ReportEvery { get; init; } = 50;

    /// <summary>Seed of the fixed evaluation batch reported with progress.</summary>
    public ulong EvaluationSeed { get; init; } = 1_000_003;

    /// <summary>Parses recipe JSON.</summary>
    /// <exception cref="ModelConfigurationException">Malformed JSON, an unknown member (named), an unknown effector (named) or an out-of-range value.</exception>
    public static MotorRecipe Parse(string json, string source = "recipe")
    {
        ArgumentNullException.ThrowIfNull(json);
        MotorRecipe? recipe;
        try { recipe = JsonSerializer.Deserialize<MotorRecipe>(json, MotorModel.Json); }
        catch (JsonException e)
        {
            throw new ModelConfigurationException($"Motor {source}: {e.Message}");
        }
        if (recipe is null) throw new ModelConfigurationException($"Motor {source} is empty (null).");
        recipe.Validate();
        return recipe;
    }

    /// <summary>The recipe as JSON (the form <see cref="Parse"/> reads).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    private static readonly JsonSerializerOptions Indented = new(MotorModel.Json) { WriteIndented = true };

    /// <summary>Checks the recipe: effector known, task fits it, counts in range.</summary>
    /// <exception cref="ModelConfigurationException">Names the value.</exception>
    public void Validate()
    {
        _ = Motor.Effector.Create(Effector);
        if (Task is null || Sensing is null || Training is null) throw new ModelConfigurationException("Motor recipe: task, sensing and training cannot be null.");
        if (Batches < 1) throw new ModelConfigurationException($"Motor recipe: batches must be at least 1, got {Batches}.");
        if (CheckpointEvery < 0 || ReportEvery < 1) throw new ModelConfigurationException($"Motor recipe: checkpointEvery ({CheckpointEvery}) must be ≥ 0 and reportEvery ({ReportEvery}) ≥ 1.");
        if (TimeLimitSeconds is { } s && !(s > 0)) throw new ModelConfigurationException($"Motor recipe: timeLimitSeconds must be > 0, got {s}.");
        if (Training.FinalLearningRate is not null && Training.DecayBatches == 0 && TimeLimitSeconds is null)
            throw new ModelConfigurationException("Motor recipe: finalLearningRate needs decayBatches (or a timeLimitSeconds to decay over).");
        try { Task.Validate(Motor.Effector.Create(Effector)); }
        catch (DataException e) { throw new ModelConfigurationException($"Motor recipe: {e.Message}"); }
    }

    /// <summary>A fresh trainer for this recipe.</summary>
    public MotorTrainer CreateTrainer() => new(Motor.Effector.Create(Effector), Task, Sensing, Training);

    /// <summary>Whether a trainer (e.g. restored from a checkpoint) was configured by this recipe.</summary>
    public bool Matches(MotorTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return trainer.Effector.Name == Motor.Effector.Create(Effector).Name
            && JsonSerializer.Serialize(trainer.Task, MotorModel.Json) == JsonSerializer.Serialize(Task, MotorModel.Json)
            && JsonSerializer.Serialize(trainer.Sensing, MotorModel.Json) == JsonSerializer.Serialize(Sensing, MotorModel.Json)
            && JsonSerializer.Serialize(trainer.Options, MotorModel.Json) == JsonSerializer.Serialize(Training, MotorModel.Json);
    }
}
