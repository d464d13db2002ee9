using RnnOnnx.Onnx;
using RnnOnnx.Serialization;
using RnnOnnx.Training;

namespace RnnOnnx.Captioning;

/// <summary>A trained captioner: the model, its vocabulary and history, and its export to ONNX.</summary>
public sealed class CaptionTrainingResult
{
    internal CaptionTrainingResult(EncoderDecoder model, CaptionVocabulary vocabulary, CaptionTrainingOptions options, int[] inputShape, History history)
    {
        _inputShape = inputShape;
        Model = model;
        Vocabulary = vocabulary;
        Options = options;
        History = history;
    }

    private readonly int[] _inputShape;

    /// <summary>The trained encoder and decoder.</summary>
    public EncoderDecoder Model { get; }

    /// <summary>The words the decoder knows.</summary>
    public CaptionVocabulary Vocabulary { get; }

    /// <summary>The options it was trained with.</summary>
    public CaptionTrainingOptions Options { get; }

    /// <summary>Loss per epoch (validation loss when a split was held out).</summary>
    public History History { get; }

    /// <summary>
    /// Writes the decoder step model to <paramref name="path"/> and the encoder next to it as
    /// <c>NAME.encoder.onnx</c>; each file's metadata names the other, so <see cref="CaptionModel.Load"/> takes either
    /// (or their folder). Both are written atomically, the encoder first and the decoder last; both carry one pair id and
    /// the decoder the encoder's SHA-256 (see <see cref="CaptionPair"/>), so an interrupted save or a file of another
    /// training is refused by every reader instead of being run as a mixed pair.
    /// </summary>
    /// <returns>The encoder's path.</returns>
    public string Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string encoderPath = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + ".encoder.onnx");
        var config = new CaptionModelConfig(Vocabulary, Options.Encoder, _inputShape, Options.MaxLength, Path.GetFileName(encoderPath), Path.GetFileName(full));
        var (encoder, decoder) = OnnxExporter.Export(Model, new OnnxExportOptions { Task = CaptionModel.Task, Config = config.ToJson() });
        (encoder, decoder) = CaptionPair.Seal(encoder, decoder);
        AtomicFile.WriteAllBytes(encoderPath, encoder);
        AtomicFile.WriteAllBytes(full, decoder);
        return encoderPath;
    }
}
