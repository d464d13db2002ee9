namespace RnnOnnx;

/// <summary>An output cannot be written where it was asked: the path is a folder, its folder cannot be made, or writing is not allowed.</summary>
public sealed class OutputPathException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public OutputPathException(string message) : base(message) { }

    /// <summary>Creates the error with the I/O error that caused it.</summary>
    public OutputPathException(string message, Exception inner) : base(message, inner) { }
}
