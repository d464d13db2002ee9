namespace RnnOnnx.Onnx;

/// <summary>Which graph <see cref="OnnxExporter"/> writes.</summary>
public enum OnnxGraphKind
{
    /// <summary>Whole sequences in ([batch, time, features]), outputs out; states start at zero.</summary>
    Full,

    /// <summary>
    /// The same computation with the recurrent state as explicit inputs and outputs (<c>h_in_k</c>, <c>c_in_k</c> →
    /// <c>h_out_k</c>, <c>c_out_k</c>, each [batch, units], k = recurrent layer index). Fed one step at a time it
    /// streams at O(1) per step; any number of steps per call works. Not defined for bidirectional layers.
    /// </summary>
    Step,

    /// <summary>
    /// The encoder half of an <see cref="Training.EncoderDecoder"/>: condition in, the decoder step model's initial
    /// states (<c>h_in_k</c>, <c>c_in_k</c>) out. Written by <see cref="OnnxExporter.Export(Training.EncoderDecoder, OnnxExportOptions?)"/>;
    /// not a kind to ask for when exporting a <see cref="Training.Sequential"/>.
    /// </summary>
    Encoder,
}

/// <summary>Options of <see cref="OnnxExporter"/>.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>Default ONNX opset: 17, the newest that Debian's onnx 1.12 checker knows.</summary>
    public const int DefaultOpset = 17;

    /// <summary>ONNX opset of the default domain, 14 to 21 (default 17).</summary>
    public int Opset { get; init; } = DefaultOpset;

    /// <summary>Full model or step model.</summary>
    public OnnxGraphKind Kind { get; init; } = OnnxGraphKind.Full;

    /// <summary>
    /// Adds an int32 input <c>sequence_lens</c> [batch] with each row's true length, for padded variable-length
    /// batches (padded steps output zeros, states stop at the last real step — as in the trainer).
    /// </summary>
    public bool SequenceLengths { get; init; }

    /// <summary>What the model is for, written as the <c>rnnonnx.task</c> metadata (default <see cref="ModelTask.Sequence"/>).</summary>
    public ModelTask Task { get; init; } = ModelTask.Sequence;

    /// <summary>JSON stored as <c>rnnonnx.config</c> (scaler, window, vocabulary, …) so one file is self-contained.</summary>
    public string Config { get; init; } = "{}";

    /// <summary>
    /// Set by the encoder export of an <see cref="Training.EncoderDecoder"/>: the model's output is split into these
    /// graph outputs (name, width) instead of one <c>output</c>.
    /// </summary>
    internal IReadOnlyList<(string Name, int Width)>? EncoderStates { get; init; }

    /// <summary>Further metadata entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
