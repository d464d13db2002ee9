namespace RnnOnnx.Onnx;

/// <summary>
/// An ONNX model is valid but has structure the importer cannot map onto a trainer model: an operator that is
/// neither a layer the trainer has nor plumbing, non-default cell options, weights whose shapes disagree with the
/// graph, an opset outside 7 to 21. The message names the node (or graph output) and the problem.
/// </summary>
public sealed class UnsupportedOnnxModelException : RnnOnnxException
{
    /// <summary>Creates the error for a node, a graph output (<paramref name="operatorType"/> <c>"graph output"</c>) or, with both null, the model.</summary>
    /// <param name="nodeName">The node's name (<c>#index</c> when it has none), the graph output's name, or null for the model as a whole.</param>
    /// <param name="operatorType">The node's operator type, <c>"graph output"</c>, or null.</param>
    /// <param name="problem">What is wrong, in a sentence.</param>
    public UnsupportedOnnxModelException(string? nodeName, string? operatorType, string problem)
        : base(Describe(nodeName, operatorType, problem))
    {
        NodeName = nodeName;
        OperatorType = operatorType;
        Problem = problem;
    }

    /// <summary>The node's name (<c>#index</c> when it has none) or the graph output's name; null for model-level problems.</summary>
    public string? NodeName { get; }

    /// <summary>The node's operator type (<c>LSTM</c>, <c>Gemm</c>, …), <c>"graph output"</c>, or null for model-level problems.</summary>
    public string? OperatorType { get; }

    /// <summary>The problem without the location.</summary>
    public string Problem { get; }

    internal const string GraphOutput = "graph output";

    private static string Describe(string? node, string? op, string problem) => (node, op) switch
    {
        (null, _) => $"ONNX model: {problem}",
        (_, GraphOutput) => $"ONNX graph output '{node}': {problem}",
        _ => $"ONNX node '{node}' ({op}): {problem}",
    };
}
