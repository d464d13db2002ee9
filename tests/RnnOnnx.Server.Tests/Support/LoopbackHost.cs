using Microsoft.AspNetCore.Builder;

namespace RnnOnnx.Server.Tests.Support;

/// <summary>
/// The host as <c>rnnonnx serve</c> runs it, on Kestrel at a free loopback port: for what needs a real connection
/// (a request held in flight while others arrive, bodies without a declared length, shutdown).
/// </summary>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private LoopbackHost(WebApplication app)
    {
        App = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<LoopbackHost> StartAsync(string modelsDirectory, Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions { ModelsDirectory = modelsDirectory };
        configure?.Invoke(options);
        var app = InferenceHost.Build(options, ["http://127.0.0.1:0"], ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        return new LoopbackHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
