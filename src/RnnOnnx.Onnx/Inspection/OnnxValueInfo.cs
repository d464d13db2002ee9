namespace RnnOnnx.Onnx;

/// <summary>A graph input or output: its name, element type and dimensions (a number, or a symbolic name for dynamic ones).</summary>
/// <param name="Name">Value name.</param>
/// <param name="ElementType">ONNX element type, e.g. <c>float</c>, <c>int64</c>.</param>
/// <param name="Dimensions">Each dimension: a size such as <c>3</c>, or a symbol such as <c>batch</c> (<c>?</c> when unnamed).</param>
public sealed record OnnxValueInfo(string Name, string ElementType, IReadOnlyList<string> Dimensions)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Dimensions)}]";
}
