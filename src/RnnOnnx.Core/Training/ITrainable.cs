using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Optimizers;

namespace RnnOnnx.Training;

/// <summary>
/// What the fit loop needs of a model: its weights, objective and optimizer, and a forward/backward pass over an
/// assembled batch. <see cref="Sequential"/> and <see cref="EncoderDecoder"/> implement it, so both train through
/// the same loop (validation, early stopping, checkpoints, resume, cancellation).
/// </summary>
internal interface ITrainable
{
    Optimizer? Optimizer { get; }
    Loss? Loss { get; }
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Builds the model from the first data seen and checks that the data fits it.</summary>
    void Prepare(SequenceDataset data, ulong seed);

    /// <summary>Copies the samples at <paramref name="indices"/> into the assembler's time-major signals.</summary>
    void Gather(BatchAssembler batch, SequenceDataset data, ReadOnlySpan<int> indices);

    Signal Forward(BatchAssembler batch, PassContext context);

    void Backward(Signal outputGradient, PassContext context);

    /// <summary>The architecture as text: equal strings mean the same model structure (checkpoint fingerprints).</summary>
    string DescribeArchitecture();
}
