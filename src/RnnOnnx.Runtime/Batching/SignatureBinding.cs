namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// What a caller names when binding a recurrent ONNX model to batches: the sequence input, its lengths and the output
/// (null: found by convention — <c>input</c>, <c>sequence_lens</c>, <c>output</c>, or the only candidate), the layout,
/// what to read, and whether state is carried from row to row.
/// </summary>
/// <param name="InputName">The sequence input, or null.</param>
/// <param name="LengthsName">The sequence-lengths input, or null.</param>
/// <param name="OutputName">The output to read, or null.</param>
/// <param name="TimeMajor">True for [time, batch, ...] inputs.</param>
/// <param name="Output">What is read for each row.</param>
/// <param name="StateKey">The key that carries state between rows (named in messages), or null when no state is carried.</param>
public sealed record SignatureBinding(string? InputName, string? LengthsName, string? OutputName, bool TimeMajor, RecurrentOutputKind Output, string? StateKey);
