namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// One recurrent state the model takes and returns: [batch, units] as RnnOnnx exports it, or
/// [leading, batch, units] as ONNX's own LSTM/GRU/RNN state (and PyTorch's h0/c0) is laid out.
/// </summary>
/// <param name="InputName">Graph input that takes the state.</param>
/// <param name="OutputName">Graph output that returns it.</param>
/// <param name="HasLeadingAxis">True for [leading, batch, units].</param>
/// <param name="Leading">Size of the leading axis (directions or layers); 1 for [batch, units].</param>
/// <param name="Units">State width per leading slice.</param>
/// <param name="Offset">Where this state starts in a stream's concatenated state.</param>
public sealed record StateSlot(string InputName, string OutputName, bool HasLeadingAxis, int Leading, int Units, int Offset)
{
    /// <summary>Values per row: leading × units.</summary>
    public int Width => Leading * Units;
}
