using Microsoft.Extensions.Logging;
using RnnOnnx.Onnx;
using RnnOnnx.Server.Hosting;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Models;

/// <summary>Every model of the models folder, loaded once at start-up, looked up by name.</summary>
internal sealed class ModelCatalog : IDisposable
{
    private readonly Dictionary<string, ServedModel> _models;

    public ModelCatalog(ServerOptions options, ILogger<ModelCatalog> logger)
    {
        var files = Directory.GetFiles(options.ModelsDirectory, "*.onnx").Order(StringComparer.Ordinal);
        _models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var model = ModelLoader.Load(file, message => ServerLog.LoadWarning(logger, file, message));
            _models[model.Name] = model;
            if (model.Ready) ServerLog.Serving(logger, model.Name, model.TaskName.Length > 0 ? model.TaskName : "run only", file);
            else ServerLog.NotReady(logger, model.Name, model.NotReadyReason);
        }
        if (_models.Count == 0) ServerLog.NoModels(logger, options.ModelsDirectory);
    }

    public IEnumerable<ServedModel> All => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal);

    public bool Contains(string name) => _models.ContainsKey(name);

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

    /// <summary>The model called <paramref name="name"/>, ready or not.</summary>
    /// <exception cref="ProblemException">No such model (404).</exception>
    public ServedModel Find(string name)
    {
        if (_models.TryGetValue(name, out var model)) return model;
        string known = _models.Count == 0 ? "none are loaded" : "the models are " + string.Join(", ", _models.Keys.Order(StringComparer.Ordinal));
        throw new ProblemException(404, "Unknown model", $"There is no model '{name}'; {known}.");
    }

    private static ProblemException NotReady(ServedModel model) =>
        new(409, "Model not ready", $"Model '{model.Name}' cannot serve requests: {model.NotReadyReason}");

    public void Dispose()
    {
        foreach (var model in _models.Values) model.Dispose();
    }
}
