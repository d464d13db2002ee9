using RnnOnnx.Runtime.Batching;
using RnnOnnx.Runtime;
namespace RnnOnnx.ML;

/// <summary>
/// Options of <see cref="RecurrentOnnxCatalog.ApplyRecurrentOnnxModel(Microsoft.ML.TransformsCatalog, RecurrentOnnxOptions)"/>:
/// which model, which columns, what to output, how to batch and where to run.
/// </summary>
/// <remarks>
/// <para>
/// Each row holds one sequence in <see cref="InputColumnName"/>: a vector of <c>steps × features</c> values, step
/// after step (a scalar is one step of one feature). Float models take Single; token-id models (input
/// int64 [batch, time]) take Single, Int32, Int64 or key values (a key k is id k − 1). The number of steps is the
/// value of <see cref="LengthColumnName"/> when it is set (values past it are padding and ignored), otherwise the
/// vector's length divided by the number of features.
/// </para>
/// <para>
/// Rows are run <see cref="BatchSize"/> at a time in one ONNX Runtime call, padded to the longest sequence of the
/// batch. A model with a sequence-lengths input (<c>sequence_lens</c>, int32 [batch]) gets each row's true length;
/// a model without one is called once per distinct length in the batch, so padding never changes a result.
/// </para>
/// <para>
/// With <see cref="KeyColumnName"/> set, rows that share a key value form one stream (one sensor, one session): each
/// row starts from the recurrent state the previous row of its stream ended with, so a stream can be fed one
/// observation per row at O(1) cost per observation. This needs a model whose state is explicit input and output,
/// such as a step model (<c>OnnxExportOptions.Kind = OnnxGraphKind.Step</c>). States live in the cursor (for
/// <c>Transform</c>) or in the prediction engine (for <c>PredictionEngine</c>), never in the transformer, so
/// transforming the same data twice gives the same result and engines do not see each other's streams.
/// </para>
/// </remarks>
public sealed class RecurrentOnnxOptions
{
    /// <summary>Name of the column the transformer adds. Required.</summary>
    public string OutputColumnName { get; set; } = "";

    /// <summary>Name of the column holding each row's sequence. Required.</summary>
    public string InputColumnName { get; set; } = "";

    /// <summary>Path of the ONNX model. Set this or <see cref="ModelBytes"/>; the file is read once, when the estimator is created.</summary>
    public string? ModelFile { get; set; }

    /// <summary>The ONNX model as bytes. Set this or <see cref="ModelFile"/>.</summary>
    public byte[]? ModelBytes { get; set; }

    /// <summary>Optional integer column with each row's number of steps, for padded or variable-length sequences.</summary>
    public string? LengthColumnName { get; set; }

    /// <summary>
    /// Optional column (text or integer) whose value names the stream a row belongs to; the recurrent state is carried
    /// from row to row within a stream. Needs a model with state inputs and outputs (a step model).
    /// </summary>
    public string? KeyColumnName { get; set; }

    /// <summary>What the output column holds (default <see cref="RecurrentOutputKind.LastStep"/>).</summary>
    public RecurrentOutputKind Output { get; set; } = RecurrentOutputKind.LastStep;

    /// <summary>Rows per ONNX Runtime call (default 256). <c>PredictionEngine</c> always runs one row per call.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// Longest sequence accepted, in steps (default: no limit beyond the model's own fixed time dimension, if any).
    /// A longer row fails with an error naming the row.
    /// </summary>
    public int MaxSequenceLength { get; set; } = int.MaxValue;

    /// <summary>Where ONNX Runtime runs the model (default <see cref="ExecutionProvider.Cpu"/>).</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>ONNX Runtime intra-op threads per call; 0 (default) lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Name of the model's sequence input; default <c>input</c>, or the model's only input that is neither a state nor lengths.</summary>
    public string? ModelInputName { get; set; }

    /// <summary>Name of the model output to read; default <c>output</c>, or the model's only output that is not a state.</summary>
    public string? ModelOutputName { get; set; }

    /// <summary>Name of the model's sequence-lengths input; default <c>sequence_lens</c>, or the only remaining integer [batch] input.</summary>
    public string? ModelSequenceLengthsName { get; set; }

    /// <summary>
    /// True when the model's sequence input and output are time-major ([time, batch, ·]), as a PyTorch <c>nn.LSTM</c>
    /// without <c>batch_first</c> exports them. Default false: [batch, time, ·], as RnnOnnx exports.
    /// </summary>
    public bool TimeMajor { get; set; }

    /// <summary>
    /// Receives warnings, such as <see cref="ExecutionProviderKind.Auto"/> falling back to the CPU. Default: written
    /// to standard error as <c>warning: …</c>. Not saved with a pipeline.
    /// </summary>
    public Action<string>? Warning { get; set; }

    internal RecurrentOnnxOptions Clone() => (RecurrentOnnxOptions)MemberwiseClone();

    internal SignatureBinding Binding => new(ModelInputName, ModelSequenceLengthsName, ModelOutputName, TimeMajor, Output, KeyColumnName);
}
