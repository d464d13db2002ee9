namespace RnnOnnx;

/// <summary>An input cannot be read where it was named: the path is a folder, not a file.</summary>
public sealed class InputPathException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public InputPathException(string message) : base(message) { }

    /// <summary>Creates the error with the I/O error that caused it.</summary>
    public InputPathException(string message, Exception inner) : base(message, inner) { }
}
