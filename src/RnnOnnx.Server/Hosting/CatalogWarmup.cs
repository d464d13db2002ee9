using Microsoft.Extensions.Hosting;
using RnnOnnx.Server.Models;

namespace RnnOnnx.Server.Hosting;

/// <summary>
/// Takes the catalog as a dependency so that it is built, i.e. every model loaded, while the host starts: the first
/// request does not pay for loading, and a bad file is logged at once.
/// </summary>
internal sealed class CatalogWarmup(ModelCatalog catalog) : IHostedService
{
    public ModelCatalog Catalog { get; } = catalog;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
