namespace RnnOnnx;

/// <summary>Base class of every error RnnOnnx raises on purpose; catch it to handle all of them.</summary>
public class RnnOnnxException : Exception
{
    /// <summary>Creates the error with a message that names what is wrong and where.</summary>
    public RnnOnnxException(string message) : base(message) { }

    /// <summary>Creates the error with a message and the error that caused it.</summary>
    public RnnOnnxException(string message, Exception inner) : base(message, inner) { }
}
