using System.Text.Json.Serialization;

namespace RnnOnnx.Captioning;

/// <summary>
/// How <see cref="CaptionTrainer"/> builds and trains a captioner (CNN encoder → LSTM decoder). As JSON
/// (<see cref="OptionsJson"/>, the CLI's "caption" recipe) filters/features/embedding/units/dropout sit in an
/// "architecture" object and an unknown member is an error.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CaptionTrainingOptions
{
    private const int DefaultFeatureUnits = 128, DefaultEmbeddingSize = 32, DefaultUnits = 128;
    private static readonly int[] DefaultFilters = [16, 32, 32];

    /// <summary>Pixels through the trainer's own CNN (default), or feature vectors from another image model.</summary>
    [JsonPropertyName("encoder")] public CaptionEncoder Encoder { get; init; } = CaptionEncoder.Convolutional;

    /// <summary>Image height the encoder takes (images of other sizes are resized by the ML.NET pipeline first).</summary>
    [JsonPropertyName("image_height")] public int ImageHeight { get; init; } = 64;

    /// <summary>Image width the encoder takes.</summary>
    [JsonPropertyName("image_width")] public int ImageWidth { get; init; } = 64;

    /// <summary>Filters of each 3×3 convolution; each is followed by 2×2 max pooling.</summary>
    [JsonIgnore] public IReadOnlyList<int> Filters { get; init; } = DefaultFilters;

    /// <summary>Width of the dense image feature between the convolutions and the decoder's initial state.</summary>
    [JsonIgnore] public int FeatureUnits { get; init; } = DefaultFeatureUnits;

    /// <summary>Word embedding width.</summary>
    [JsonIgnore] public int EmbeddingSize { get; init; } = DefaultEmbeddingSize;

    /// <summary>LSTM units of the decoder.</summary>
    [JsonIgnore] public int Units { get; init; } = DefaultUnits;

    /// <summary>Dropout on the image feature and on the decoder's outputs while training (default none: generated scenes do not overfit).</summary>
    [JsonIgnore] public float Dropout { get; init; }

    /// <summary>Passes over the training captions.</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 10;

    /// <summary>Images per optimizer step.</summary>
    [JsonPropertyName("batch")] public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate (cosine-decayed to 5 % over the run).</summary>
    [JsonPropertyName("lr")] public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Fraction of the data held out to report validation loss.</summary>
    [JsonPropertyName("validation")] public double ValidationSplit { get; init; } = 0.05;

    /// <summary>Longest caption the exported model generates (words, without the end token).</summary>
    [JsonPropertyName("max_length")] public int MaxLength { get; init; } = 20;

    /// <summary>Seeds weights, dropout and shuffling.</summary>
    [JsonPropertyName("seed")] public ulong Seed { get; init; }

    /// <summary>Where a checkpoint is written after every epoch and on cancellation (null: none). Not part of the JSON form.</summary>
    [JsonIgnore] public string? CheckpointPath { get; init; }

    /// <summary>A checkpoint to continue from; the run ends as an uninterrupted one would. Not part of the JSON form.</summary>
    [JsonIgnore] public string? ResumeFrom { get; init; }

    /// <summary>The JSON view of <see cref="Filters"/>, <see cref="FeatureUnits"/>, <see cref="EmbeddingSize"/>, <see cref="Units"/> and <see cref="Dropout"/>.</summary>
    [JsonInclude, JsonPropertyName("architecture")]
    private CaptionArchitecture Architecture
    {
        get => new() { Filters = Filters, Features = FeatureUnits, Embedding = EmbeddingSize, Units = Units, Dropout = Dropout };
        init => (Filters, FeatureUnits, EmbeddingSize, Units, Dropout) = (value.Filters, value.Features, value.Embedding, value.Units, value.Dropout);
    }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it (C# and JSON name) and its value.</exception>
    public void Validate()
    {
        const string T = nameof(CaptionTrainingOptions);
        if (!Enum.IsDefined(Encoder)) throw OptionsJson.Invalid(T, nameof(Encoder), "encoder", (int)Encoder, "convolutional or features");
        if (ImageHeight < 4) throw OptionsJson.Invalid(T, nameof(ImageHeight), "image_height", ImageHeight, "at least 4");
        if (ImageWidth < 4) throw OptionsJson.Invalid(T, nameof(ImageWidth), "image_width", ImageWidth, "at least 4");
        if (Filters is null || Filters.Count < 1 || Filters.Any(f => f < 1)) throw OptionsJson.Invalid(T, nameof(Filters), "architecture.filters", Filters, "one or more positive counts");
        if (ImageHeight >> Filters.Count < 1 || ImageWidth >> Filters.Count < 1)
            throw OptionsJson.Invalid(T, nameof(Filters), "architecture.filters", Filters, $"few enough that {Filters.Count} 2×2 poolings leave something of a {ImageHeight}×{ImageWidth} image");
        if (FeatureUnits < 1) throw OptionsJson.Invalid(T, nameof(FeatureUnits), "architecture.features", FeatureUnits, "at least 1");
        if (EmbeddingSize < 1) throw OptionsJson.Invalid(T, nameof(EmbeddingSize), "architecture.embedding", EmbeddingSize, "at least 1");
        if (Units < 1) throw OptionsJson.Invalid(T, nameof(Units), "architecture.units", Units, "at least 1");
        if (!(Dropout is >= 0 and < 1)) throw OptionsJson.Invalid(T, nameof(Dropout), "architecture.dropout", Dropout, "in [0, 1)");
        if (Epochs < 1) throw OptionsJson.Invalid(T, nameof(Epochs), "epochs", Epochs, "at least 1");
        if (BatchSize < 1) throw OptionsJson.Invalid(T, nameof(BatchSize), "batch", BatchSize, "at least 1");
        if (!(LearningRate > 0 && float.IsFinite(LearningRate))) throw OptionsJson.Invalid(T, nameof(LearningRate), "lr", LearningRate, "positive");
        if (!(ValidationSplit is >= 0 and < 1)) throw OptionsJson.Invalid(T, nameof(ValidationSplit), "validation", ValidationSplit, "in [0, 1)");
        if (MaxLength < 1) throw OptionsJson.Invalid(T, nameof(MaxLength), "max_length", MaxLength, "at least 1");
    }

    /// <summary>The "architecture" object of the JSON form.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record CaptionArchitecture
    {
        [JsonPropertyName("filters")] public IReadOnlyList<int> Filters { get; init; } = DefaultFilters;
        [JsonPropertyName("features")] public int Features { get; init; } = DefaultFeatureUnits;
        [JsonPropertyName("embedding")] public int Embedding { get; init; } = DefaultEmbeddingSize;
        [JsonPropertyName("units")] public int Units { get; init; } = DefaultUnits;
        [JsonPropertyName("dropout")] public float Dropout { get; init; }
    }
}
