namespace RnnOnnx.Runtime;

/// <summary>
/// Text given as an execution provider (a <c>--provider</c> option, a saved pipeline's setting) is not
/// <c>cpu</c>, <c>cuda[:N]</c> or <c>auto[:N]</c>. A <see cref="FormatException"/>, as <c>Parse</c> methods throw, and
/// its own type so that a command line can report it as the user's mistake wherever it is parsed.
/// </summary>
public sealed class ExecutionProviderFormatException : FormatException
{
    /// <summary>Creates the error.</summary>
    public ExecutionProviderFormatException(string message) : base(message) { }
}
