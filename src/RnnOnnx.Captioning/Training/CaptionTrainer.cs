using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Captioning;

/// <summary>
/// Trains a Show-and-Tell captioner with the native trainer: a small CNN (Rescaling to ink 1 − x/255 → [3×3 Conv2D +
/// ReLU → 2×2 MaxPool]… → Flatten → Dense(ReLU) → Dense(linear)) maps the image to the LSTM decoder's initial h and c; the
/// decoder (Embedding → LSTM → Dense logits) learns the caption with teacher forcing: input ⟨bos⟩ w₁ … wₙ, target
/// w₁ … wₙ ⟨eos⟩, padding masked. Encoder and decoder train jointly through the initial state.
/// </summary>
public static class CaptionTrainer
{
    /// <summary>Trains on images and their captions.</summary>
    /// <param name="data">The images and one caption per image.</param>
    /// <param name="options">Architecture and training options (validated first), with the checkpoint to write and resume from.</param>
    /// <param name="progress">Receives batches and epochs (work counted in images) and warnings, synchronously.</param>
    /// <param name="cancellationToken">Stops training between batches (<see cref="OperationCanceledException"/>), after writing
    /// <see cref="CaptionTrainingOptions.CheckpointPath"/> when there is one.</param>
    /// <exception cref="DataException">Counts differ, an image has the wrong number of values, or a caption is empty (named by index).</exception>
    /// <exception cref="ArgumentException">An option is out of range (named with its value).</exception>
    public static CaptionTrainingResult Train(CaptionTrainingData data, CaptionTrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (images, captions) = (data.Images ?? throw new DataException("There are no images."), data.Captions ?? throw new DataException("There are no captions."));
        if (images.Count != captions.Count) throw new DataException($"There are {images.Count} images but {captions.Count} captions; each image needs one caption.");
        if (images.Count == 0) throw new DataException("There are no images to train on.");
        var reporter = new TrainingProgressReporter(progress, "images");
        var vocabulary = CaptionVocabulary.Build(captions);
        int[] inputShape = options.Encoder == CaptionEncoder.Convolutional
            ? [3, options.ImageHeight, options.ImageWidth]
            : [images[0]?.Length ?? throw new DataException("Image 0 is missing.")];
        var dataset = Dataset(images, captions, vocabulary, options, inputShape);

        var model = Build(vocabulary, options);
        int trainCount = (int)(dataset.Count * (1 - options.ValidationSplit));
        long steps = (long)options.Epochs * ((trainCount + options.BatchSize - 1) / options.BatchSize);
        model.Compile(new Adam(options.LearningRate) { GlobalClipNorm = 5f, Schedule = new CosineDecay(steps, 0.05f) }, new SoftmaxCrossEntropy());
        reporter.Total = (long)trainCount * options.Epochs;
        var (onBatch, onEpoch) = reporter.Callbacks("", options.Epochs, 0, trainCount, options.BatchSize);
        var history = model.Fit(dataset, new FitOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            ValidationSplit = options.ValidationSplit,
            Seed = options.Seed,
            OnBatchEnd = onBatch,
            OnEpochEnd = onEpoch,
            CheckpointPath = options.CheckpointPath,
            ResumeFrom = options.ResumeFrom,
            CancellationToken = cancellationToken,
        });
        return new CaptionTrainingResult(model, vocabulary, options, inputShape, history);
    }

    private static EncoderDecoder Build(CaptionVocabulary vocabulary, CaptionTrainingOptions options)
    {
        // Ink, not light: 1 − x/255 puts the near-white background at ≈ 0, so what the convolutions see is the objects.
        var encoder = new Sequential();
        if (options.Encoder == CaptionEncoder.Convolutional)
        {
            encoder.Add(new Rescaling(-1 / 255f, 1f));
            foreach (int filters in options.Filters)
            {
                encoder.Add(new Conv2D(filters, 3, Activation.Relu, Padding.Same));
                encoder.Add(new MaxPool2D(2));
            }
            encoder.Add(new Flatten());
        }
        encoder.Add(new Dense(options.FeatureUnits, Activation.Relu));
        if (options.Dropout > 0) encoder.Add(new Dropout(options.Dropout));
        // Linear, not tanh: a saturating output let the first epochs settle on one image-independent state (the caption
        // prior) whose vanishing gradient then kept the image out for good.
        encoder.Add(new Dense(2 * options.Units, Activation.Linear));
        var decoder = new Sequential(new Embedding(vocabulary.Count, options.EmbeddingSize), new Lstm(options.Units, returnSequences: true));
        if (options.Dropout > 0) decoder.Add(new Dropout(options.Dropout));
        // Logits out (softmax lives in the loss while training and in the search at inference), as the spec of the step
        // model asks and as the text model does.
        decoder.Add(new Dense(vocabulary.Count));
        return new EncoderDecoder(encoder, decoder);
    }

    /// <summary>Images channels-last for the trainer (features as they are); token inputs/targets padded to the longest caption + 1.</summary>
    private static SequenceDataset Dataset(IReadOnlyList<float[]> images, IReadOnlyList<string> captions, CaptionVocabulary vocabulary, CaptionTrainingOptions options, int[] inputShape)
    {
        bool pixelsIn = options.Encoder == CaptionEncoder.Convolutional;
        int channels = 3, h = options.ImageHeight, w = options.ImageWidth, pixels = inputShape.Aggregate(1, (a, b) => a * b), n = images.Count;
        var encoded = captions.Select(vocabulary.Encode).ToArray();
        int steps = encoded.Max(c => c.Length) + 1;
        var x = pixelsIn ? Tensor.Zeros(n, h, w, channels) : Tensor.Zeros(n, pixels);
        var input = Tensor.Zeros(n, steps);
        var target = Tensor.Zeros(n, steps);
        var lengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            var image = images[i] ?? throw new DataException($"Image {i} is missing.");
            if (image.Length != pixels)
                throw new DataException(pixelsIn
                    ? $"Image {i} has {image.Length} values; expected {channels}×{h}×{w} = {pixels} (channels-first pixels of a {w}×{h} RGB image)."
                    : $"Image {i} has {image.Length} features; expected {pixels} like image 0.");
            if (pixelsIn) ImageLayout.ChannelsFirstToLast(image, x.Data.AsSpan(i * pixels, pixels), channels, h, w);
            else image.CopyTo(x.Data, i * pixels);
            var words = encoded[i];
            input.Data[i * steps] = CaptionVocabulary.BeginId;
            for (int t = 0; t < words.Length; t++)
            {
                input.Data[i * steps + t + 1] = words[t];
                target.Data[i * steps + t] = words[t];
            }
            target.Data[i * steps + words.Length] = CaptionVocabulary.EndId;
            lengths[i] = words.Length + 1;
        }
        return new SequenceDataset(input, target, lengths, x);
    }
}
