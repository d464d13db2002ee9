using RnnOnnx.Training;

namespace RnnOnnx.Onnx;

/// <summary>
/// A trainer model read from ONNX, and how the ONNX graph's input and output correspond to its
/// <see cref="Sequential.Predict(Tensor, int[], int)"/> (see <see cref="OnnxImporter.Read(byte[])"/>).
/// </summary>
public sealed class ImportedOnnxModel
{
    internal ImportedOnnxModel(Sequential model, string inputName, bool inputIsTimeMajor, string outputName, bool outputIsTimeMajor,
        string? sequenceLengthsName, long opset, string producerName)
    {
        Model = model;
        InputName = inputName;
        InputIsTimeMajor = inputIsTimeMajor;
        OutputName = outputName;
        OutputIsTimeMajor = outputIsTimeMajor;
        SequenceLengthsName = sequenceLengthsName;
        Opset = opset;
        ProducerName = producerName;
    }

    /// <summary>The model, built and holding the graph's weights; compile it to fine-tune, export it with <see cref="OnnxExporter"/>.</summary>
    public Sequential Model { get; }

    /// <summary>The graph input that feeds the model's input (floats, or integer token ids for an embedding).</summary>
    public string InputName { get; }

    /// <summary>
    /// True when the graph input is [time, batch, …] (PyTorch's <c>batch_first=False</c>); the trainer always reads
    /// [batch, time, …], so such inputs must be transposed before <see cref="Sequential.Predict(Tensor, int[], int)"/>.
    /// </summary>
    public bool InputIsTimeMajor { get; }

    /// <summary>The graph output the model computes (other outputs, if any, are recurrent states).</summary>
    public string OutputName { get; }

    /// <summary>True when the graph output is [time, batch, units]; the trainer's sequence outputs are [batch, time, units].</summary>
    public bool OutputIsTimeMajor { get; }

    /// <summary>The integer graph input of per-row sequence lengths (the <c>lengths</c> argument of Predict), or null.</summary>
    public string? SequenceLengthsName { get; }

    /// <summary>The model's opset of the default ONNX domain.</summary>
    public long Opset { get; }

    /// <summary>The producer recorded in the file (<c>RnnOnnx</c>, <c>pytorch</c>, …), or "".</summary>
    public string ProducerName { get; }
}
