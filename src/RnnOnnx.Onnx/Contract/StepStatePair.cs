namespace RnnOnnx.Onnx;

/// <summary>Which recurrent state a <see cref="StepStatePair"/> carries.</summary>
public enum StateKind
{
    /// <summary><c>h</c>: the hidden state (every LSTM, GRU and RNN layer has one).</summary>
    Hidden,

    /// <summary><c>c</c>: the LSTM cell state.</summary>
    Cell,
}

/// <summary>
/// One recurrent state of a step graph as the contract names it: <c>{h|c}_in_{layer}</c> [batch, width] in,
/// <c>{h|c}_out_{layer}</c> [batch, width] out. Feed one call's output as the next call's input.
/// </summary>
/// <param name="InputName">Graph input taking the state (e.g. <c>h_in_0</c>).</param>
/// <param name="OutputName">Graph output returning it (e.g. <c>h_out_0</c>).</param>
/// <param name="Kind">Hidden or cell state.</param>
/// <param name="Layer">Recurrent layer index k (for a merged ensemble: member·layers + k).</param>
/// <param name="Dimensions">The input's declared dimensions, e.g. <c>[batch, 32]</c>.</param>
/// <param name="Width">Values per row (the fixed last dimension), or null when the model leaves it symbolic.</param>
public sealed record StepStatePair(string InputName, string OutputName, StateKind Kind, int Layer, IReadOnlyList<string> Dimensions, int? Width)
{
    /// <inheritdoc/>
    public override string ToString() => $"{InputName} -> {OutputName} [{string.Join(", ", Dimensions)}]";
}
