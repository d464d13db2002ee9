namespace RnnOnnx.Runtime;

/// <summary>
/// The requested execution provider (CUDA) cannot run here; the message says what is missing and what to install.
/// </summary>
public sealed class ExecutionProviderUnavailableException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public ExecutionProviderUnavailableException(string message) : base(message) { }

    /// <summary>Creates the error with the ONNX Runtime error that caused it.</summary>
    public ExecutionProviderUnavailableException(string message, Exception inner) : base(message, inner) { }
}
