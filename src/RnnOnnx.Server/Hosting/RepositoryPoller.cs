using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RnnOnnx.Server.Models;

namespace RnnOnnx.Server.Hosting;

/// <summary>Scans the models folder every <see cref="ServerOptions.PollInterval"/> (when set), as Triton's poll mode does.</summary>
internal sealed class RepositoryPoller(ModelCatalog catalog, ServerOptions options, ILogger<RepositoryPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.PollInterval is not { } interval) return;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try { await Task.Run(catalog.Reload, stoppingToken).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException) { ServerLog.PollFailed(logger, e); }
            }
        }
        catch (OperationCanceledException) { }
    }
}
