using System.Diagnostics.CodeAnalysis;

namespace RnnOnnx.Server.Tests.Support;

/// <summary>
/// The entry point <see cref="ServerFactory"/> starts: the production <see cref="InferenceHost.Build"/>, whose
/// options the factory replaces before the host starts.
/// </summary>
[SuppressMessage("Design", "CA1052", Justification = "WebApplicationFactory<T> needs a non-static type argument.")]
public sealed class TestHostProgram
{
    private TestHostProgram() { }

    public static void Main(string[] args) =>
        InferenceHost.Build(new ServerOptions { ModelsDirectory = AppContext.BaseDirectory }, args: args).Run();
}
