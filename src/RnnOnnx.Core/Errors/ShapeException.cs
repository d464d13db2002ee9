namespace RnnOnnx;

/// <summary>A tensor's rank or shape does not fit where it is used (names the tensor, what was expected and what was given).</summary>
public sealed class ShapeException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public ShapeException(string message) : base(message) { }

    internal static string Describe(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
