using System.Text.Json.Serialization;

namespace RnnOnnx.Text;

/// <summary>The optimizer of a character language model.</summary>
public enum TextOptimizer
{
    /// <summary>Adam.</summary>
    [JsonStringEnumMemberName("adam")] Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    [JsonStringEnumMemberName("adamw")] AdamW,
    /// <summary>Stochastic gradient descent.</summary>
    [JsonStringEnumMemberName("sgd")] Sgd,
    /// <summary>RMSprop.</summary>
    [JsonStringEnumMemberName("rmsprop")] RmsProp,
}

/// <summary>
/// How <see cref="TextTrainer.Train"/> builds and trains a character language model: Embedding → LSTM × layers (all
/// returning sequences) → Dense(vocabulary) logits, softmax cross-entropy at every step, on non-overlapping windows of
/// the text with the last <see cref="ValidationSplit"/> held out. As JSON (<see cref="OptionsJson"/>, the CLI's
/// "generate" recipe) embedding/units/layers sit in an "architecture" object and an unknown member is an error.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TextTrainingOptions
{
    private const int DefaultEmbedding = 32, DefaultUnits = 128, DefaultLayers = 1;

    /// <summary>Character embedding width.</summary>
    [JsonIgnore] public int Embedding { get; init; } = DefaultEmbedding;

    /// <summary>LSTM units per layer.</summary>
    [JsonIgnore] public int Units { get; init; } = DefaultUnits;

    /// <summary>Stacked LSTM layers.</summary>
    [JsonIgnore] public int Layers { get; init; } = DefaultLayers;

    /// <summary>The optimizer.</summary>
    [JsonPropertyName("optimizer")] public TextOptimizer Optimizer { get; init; } = TextOptimizer.Adam;

    /// <summary>The optimizer's learning rate.</summary>
    [JsonPropertyName("lr")] public float LearningRate { get; init; } = 0.002f;

    /// <summary>Gradient clipping by global norm (0 = none).</summary>
    [JsonPropertyName("clip")] public float Clip { get; init; } = 5f;

    /// <summary>Passes over the training windows.</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 10;

    /// <summary>Windows per optimizer step.</summary>
    [JsonPropertyName("batch")] public int BatchSize { get; init; } = 32;

    /// <summary>Characters per training window (the next character is the target at every step).</summary>
    [JsonPropertyName("window")] public int Window { get; init; } = 64;

    /// <summary>Seeds weights and shuffling: the same seed and text give the same model, byte for byte.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    /// <summary>Share of the text (its end) held out to report validation loss, in [0, 0.9].</summary>
    [JsonPropertyName("validation")] public double ValidationSplit { get; init; } = 0.1;

    /// <summary>Where a checkpoint is written after every epoch and on cancellation (null: none). Not part of the JSON form.</summary>
    [JsonIgnore] public string? CheckpointPath { get; init; }

    /// <summary>A checkpoint to continue from; the run ends as an uninterrupted one would. Not part of the JSON form.</summary>
    [JsonIgnore] public string? ResumeFrom { get; init; }

    /// <summary>The JSON view of <see cref="Embedding"/>, <see cref="Units"/> and <see cref="Layers"/>.</summary>
    [JsonInclude, JsonPropertyName("architecture")]
    private TextArchitecture Architecture
    {
        get => new() { Embedding = Embedding, Units = Units, Layers = Layers };
        init => (Embedding, Units, Layers) = (value.Embedding, value.Units, value.Layers);
    }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it (C# and JSON name) and its value.</exception>
    public void Validate()
    {
        const string T = nameof(TextTrainingOptions);
        if (Embedding < 1) throw OptionsJson.Invalid(T, nameof(Embedding), "architecture.embedding", Embedding, "at least 1");
        if (Units < 1) throw OptionsJson.Invalid(T, nameof(Units), "architecture.units", Units, "at least 1");
        if (Layers < 1) throw OptionsJson.Invalid(T, nameof(Layers), "architecture.layers", Layers, "at least 1");
        if (!Enum.IsDefined(Optimizer)) throw OptionsJson.Invalid(T, nameof(Optimizer), "optimizer", (int)Optimizer, "adam, adamw, sgd or rmsprop");
        if (!(LearningRate > 0 && float.IsFinite(LearningRate))) throw OptionsJson.Invalid(T, nameof(LearningRate), "lr", LearningRate, "positive");
        if (!(Clip >= 0 && float.IsFinite(Clip))) throw OptionsJson.Invalid(T, nameof(Clip), "clip", Clip, "at least 0 (0 = no clipping)");
        if (Epochs < 1) throw OptionsJson.Invalid(T, nameof(Epochs), "epochs", Epochs, "at least 1");
        if (BatchSize < 1) throw OptionsJson.Invalid(T, nameof(BatchSize), "batch", BatchSize, "at least 1");
        if (Window < 1) throw OptionsJson.Invalid(T, nameof(Window), "window", Window, "at least 1");
        if (!(ValidationSplit >= 0 && ValidationSplit <= 0.9)) throw OptionsJson.Invalid(T, nameof(ValidationSplit), "validation", ValidationSplit, "between 0 and 0.9");
    }

    /// <summary>The "architecture" object of the JSON form.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record TextArchitecture
    {
        [JsonPropertyName("embedding")] public int Embedding { get; init; } = DefaultEmbedding;
        [JsonPropertyName("units")] public int Units { get; init; } = DefaultUnits;
        [JsonPropertyName("layers")] public int Layers { get; init; } = DefaultLayers;
    }
}
