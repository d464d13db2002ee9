namespace RnnOnnx.Onnx;

/// <summary>
/// A recurrent state the caller carries between calls: feed <see cref="Output"/> of one call as <see cref="Input"/>
/// of the next. Found by following a recurrent node's initial-state input back to a graph input and its final-state
/// output forward to a graph output.
/// </summary>
/// <param name="Input">Graph input holding the state going in.</param>
/// <param name="Output">Graph output holding the state coming out.</param>
/// <param name="Node">Name of the recurrent node that owns the state.</param>
/// <param name="Kind"><c>h</c> (hidden) or <c>c</c> (LSTM cell).</param>
public sealed record OnnxStatePair(string Input, string Output, string Node, string Kind);
