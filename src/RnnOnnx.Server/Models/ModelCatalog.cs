using Microsoft.Extensions.Logging;
using RnnOnnx.Onnx;
using RnnOnnx.Server.Hosting;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Models;

/// <summary>
/// Every model of the models folder (see <see cref="ModelRepository"/> for names and versions), looked up by name and
/// version. <see cref="Reload"/> (called by the poller) loads changed and added files and swaps the whole set at once:
/// a request holds the model it looked up, so requests in flight finish on the old one, which is disposed only after a
/// grace period (<see cref="ServerOptions.RetiredModelGrace"/>). A file that fails to load where an older load of it
/// (or an older version) serves keeps that one serving; the failure is logged once per change of the file.
/// </summary>
internal sealed class ModelCatalog : IDisposable
{
    private readonly ServerOptions _options;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly Lock _reloadGate = new();
    private readonly Dictionary<(string, long), (long, DateTime)> _failed = [];
    private volatile IReadOnlyDictionary<string, SortedList<long, ServedModel>> _models;
    private bool _disposed;

    public ModelCatalog(ServerOptions options, ILogger<ModelCatalog> logger)
    {
        (_options, _logger) = (options, logger);
        _models = new Dictionary<string, SortedList<long, ServedModel>>(StringComparer.Ordinal);
        Load(initial: true);
        if (_models.Count == 0) ServerLog.NoModels(logger, options.ModelsDirectory);
    }

    /// <summary>Raised when a model leaves the catalog (replaced or removed), before its grace period starts.</summary>
    public event Action<ServedModel>? Retired;

    /// <summary>The served (default) version of every model, by name.</summary>
    public IEnumerable<ServedModel> All => _models.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => Latest(m.Value));

    public bool Contains(string name) => _models.ContainsKey(name);

    /// <summary>Every version of model <paramref name="name"/>, oldest first (empty when there is no such model).</summary>
    public IReadOnlyList<ServedModel> Versions(string name) => _models.TryGetValue(name, out var versions) ? [.. versions.Values] : [];

    /// <summary>The model called <paramref name="name"/>, which must serve <paramref name="task"/> (null: any model, for /run).</summary>
    /// <exception cref="ProblemException">No such model (404), another task (404), or not ready (409).</exception>
    public ServedModel Get(string name, ModelTask? task)
    {
        var model = Find(name);
        if (model.Onnx is null) throw NotReady(model);
        if (task is not { } wanted) return model;
        if (model.Task != wanted)
            throw new ProblemException(404, "Wrong task for this model",
                $"Model '{name}' is a {(model.TaskName.Length > 0 ? $"'{model.TaskName}'" : "plain ONNX (no rnnonnx.task)")} model, not a '{wanted.ToMetadataName()}' model; see GET /v1/models for what each model serves.");
        if (!model.Ready) throw NotReady(model);
        return model;
    }

    /// <summary>The served version of the model called <paramref name="name"/>, ready or not.</summary>
    /// <exception cref="ProblemException">No such model (404).</exception>
    public ServedModel Find(string name)
    {
        if (_models.TryGetValue(name, out var versions)) return Latest(versions);
        var models = _models;
        string known = models.Count == 0 ? "none are loaded" : "the models are " + string.Join(", ", models.Keys.Order(StringComparer.Ordinal));
        throw new ProblemException(404, "Unknown model", $"There is no model '{name}'; {known}.");
    }

    /// <summary>
    /// The newest version that loaded (its bytes read and understood), else the newest: what a request without a
    /// version gets, as Triton serves the highest-numbered ready version.
    /// </summary>
    private static ServedModel Latest(SortedList<long, ServedModel> versions)
    {
        for (int i = versions.Count - 1; i >= 0; i--)
            if (versions.Values[i].Ready) return versions.Values[i];
        for (int i = versions.Count - 1; i >= 0; i--)
            if (versions.Values[i].Onnx is not null) return versions.Values[i];
        return versions.Values[^1];
    }

    private static ProblemException NotReady(ServedModel model) =>
        new(409, "Model not ready", $"Model '{model.Name}' cannot serve requests: {model.NotReadyReason}");

    /// <summary>Scans the folder again: loads what changed or appeared, drops what disappeared, swaps the set at once.</summary>
    public void Reload() => Load(initial: false);

    private void Load(bool initial)
    {
        lock (_reloadGate)
        {
            if (_disposed) return;
            var (entries, problems) = ModelRepository.Scan(_options.ModelsDirectory);
            foreach (var problem in problems) ServerLog.RepositoryProblem(_logger, problem);
            var current = _models;
            var next = new Dictionary<string, SortedList<long, ServedModel>>(StringComparer.Ordinal);
            var retired = new List<ServedModel>();
            var kept = new HashSet<ServedModel>(ReferenceEqualityComparer.Instance);
            foreach (var entry in entries)
            {
                var old = current.TryGetValue(entry.Name, out var oldVersions) && oldVersions.TryGetValue(entry.Version, out var o) ? o : null;
                var fingerprint = ModelRepository.Fingerprint(entry.File);
                ServedModel? chosen = old;
                if (old is null || old.File != entry.File || old.Fingerprint != fingerprint)
                {
                    if (old is not null && _failed.TryGetValue((entry.Name, entry.Version), out var failedPrint) && failedPrint == fingerprint)
                        chosen = old; // the same broken file again: already reported
                    else
                    {
                        var loaded = ModelLoader.Load(entry.File, entry.Name, entry.Version, message => ServerLog.LoadWarning(_logger, entry.File, message));
                        if (!loaded.Ready && old is { Ready: true })
                        {
                            ServerLog.ReloadFailed(_logger, entry.Name, entry.Version, entry.File, loaded.NotReadyReason);
                            _failed[(entry.Name, entry.Version)] = fingerprint;
                            loaded.Dispose();
                        }
                        else
                        {
                            _failed.Remove((entry.Name, entry.Version));
                            chosen = loaded;
                            if (loaded.Ready) ServerLog.Serving(_logger, loaded.Name, loaded.Version, loaded.TaskName.Length > 0 ? loaded.TaskName : "run only", entry.File);
                            else ServerLog.NotReady(_logger, loaded.Name, loaded.NotReadyReason);
                            if (!initial && old is not null) ServerLog.Reloaded(_logger, entry.Name, entry.Version);
                        }
                    }
                }
                if (!next.TryGetValue(entry.Name, out var versions)) next[entry.Name] = versions = [];
                versions[entry.Version] = chosen!;
                kept.Add(chosen!);
            }
            // A version whose file vanished while a failed reload of a newer one keeps it: nothing to keep, Triton drops it too.
            foreach (var model in current.Values.SelectMany(v => v.Values))
                if (!kept.Contains(model))
                {
                    retired.Add(model);
                    if (!entries.Any(e => e.Name == model.Name && e.Version == model.Version)) ServerLog.Removed(_logger, model.Name, model.Version);
                }
            _models = next;
            foreach (var model in retired) Retire(model);
        }
    }

    private void Retire(ServedModel model)
    {
        model.Retired = true;
        try { Retired?.Invoke(model); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { }
        // Requests that looked the model up before the swap still use it: dispose it once they have had time to finish.
        _ = Task.Delay(_options.RetiredModelGrace).ContinueWith(_ => model.Dispose(), TaskScheduler.Default);
    }

    public void Dispose()
    {
        lock (_reloadGate)
        {
            _disposed = true;
            foreach (var model in _models.Values.SelectMany(v => v.Values)) model.Dispose();
        }
    }
}
