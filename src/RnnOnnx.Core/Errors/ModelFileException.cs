namespace RnnOnnx;

/// <summary>A model or checkpoint file is missing, truncated, of another format, or belongs to another model.</summary>
public sealed class ModelFileException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public ModelFileException(string message) : base(message) { }

    /// <summary>Creates the error with the I/O or parse error that caused it.</summary>
    public ModelFileException(string message, Exception inner) : base(message, inner) { }
}
