using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace RnnOnnx.Server.Tests.Support;

/// <summary>The inference host on ASP.NET Core's test server, serving <paramref name="modelsDirectory"/> with options a test adjusts.</summary>
public sealed class ServerFactory(string modelsDirectory, Action<ServerOptions>? configure = null, TimeProvider? time = null)
    : WebApplicationFactory<TestHostProgram>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The host serves no files; without this the factory guesses a content root from the solution's layout.
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(services =>
        {
            var options = new ServerOptions { ModelsDirectory = modelsDirectory };
            configure?.Invoke(options);
            options.Validate();
            services.RemoveAll<ServerOptions>();
            services.AddSingleton(options);
            if (time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(time);
            }
        });
    }
}
