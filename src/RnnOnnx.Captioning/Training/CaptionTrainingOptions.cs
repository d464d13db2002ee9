namespace RnnOnnx.Captioning;

/// <summary>How <see cref="CaptionTrainer"/> builds and trains a captioner (CNN encoder → LSTM decoder).</summary>
public sealed record CaptionTrainingOptions
{
    /// <summary>Pixels through the trainer's own CNN (default), or feature vectors from another image model.</summary>
    public CaptionEncoder Encoder { get; init; } = CaptionEncoder.Convolutional;

    /// <summary>Image height the encoder takes (images of other sizes are resized by the ML.NET pipeline first).</summary>
    public int ImageHeight { get; init; } = 64;

    /// <summary>Image width the encoder takes.</summary>
    public int ImageWidth { get; init; } = 64;

    /// <summary>Filters of each 3×3 convolution; each is followed by 2×2 max pooling.</summary>
    public IReadOnlyList<int> Filters { get; init; } = [16, 32, 32];

    /// <summary>Width of the dense image feature between the convolutions and the decoder's initial state.</summary>
    public int FeatureUnits { get; init; } = 128;

    /// <summary>Word embedding width.</summary>
    public int EmbeddingSize { get; init; } = 32;

    /// <summary>LSTM units of the decoder.</summary>
    public int Units { get; init; } = 128;

    /// <summary>Dropout on the image feature and on the decoder's outputs while training (default none: generated scenes do not overfit).</summary>
    public float Dropout { get; init; }

    /// <summary>Passes over the training captions.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Images per optimizer step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's learning rate (cosine-decayed to 5 % over the run).</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Fraction of the data held out to report validation loss.</summary>
    public double ValidationSplit { get; init; } = 0.05;

    /// <summary>Longest caption the exported model generates (words, without the end token).</summary>
    public int MaxLength { get; init; } = 20;

    /// <summary>Seeds weights, dropout and shuffling.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks every option; the error names the option and the value.</summary>
    public void Validate()
    {
        void Check(bool ok, string message) { if (!ok) throw new ModelConfigurationException(message); }
        Check(Enum.IsDefined(Encoder), $"Encoder {(int)Encoder} is not a CaptionEncoder value.");
        Check(ImageHeight >= 4 && ImageWidth >= 4, $"Image size must be at least 4×4, got {ImageHeight}×{ImageWidth}.");
        Check(Filters.Count >= 1 && Filters.All(f => f >= 1), $"Filters must be one or more positive counts, got [{string.Join(", ", Filters)}].");
        Check(ImageHeight >> Filters.Count >= 1 && ImageWidth >> Filters.Count >= 1, $"{Filters.Count} poolings halve a {ImageHeight}×{ImageWidth} image to nothing; use fewer convolutions.");
        Check(FeatureUnits >= 1 && EmbeddingSize >= 1 && Units >= 1, "FeatureUnits, EmbeddingSize and Units must be positive.");
        Check(Dropout is >= 0 and < 1, $"Dropout must be in [0, 1), got {Dropout}.");
        Check(Epochs >= 1 && BatchSize >= 1, $"Epochs and BatchSize must be positive, got {Epochs} and {BatchSize}.");
        Check(LearningRate > 0 && float.IsFinite(LearningRate), $"LearningRate must be positive, got {LearningRate}.");
        Check(MaxLength >= 1, $"MaxLength must be positive, got {MaxLength}.");
    }
}
