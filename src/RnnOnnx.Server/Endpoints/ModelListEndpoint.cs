using RnnOnnx.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Server.Contracts;
using RnnOnnx.Server.Models;

namespace RnnOnnx.Server.Endpoints;

/// <summary><c>GET /v1/models</c>: every model of the folder, ready or not (with the reason), and the endpoints it answers.</summary>
internal static class ModelListEndpoint
{
    public static void Map(RouteGroupBuilder models) => models.MapGet("", (ModelCatalog catalog) => new ModelList(catalog.All.Select(Describe).ToList())).WithName("models");

    private static ModelDescription Describe(ServedModel model)
    {
        string root = $"/v1/models/{model.Name}";
        string[] endpoints = model.Onnx is null ? [] : model.Task switch
        {
            ModelTask.Forecast => [$"{root}/forecast", $"{root}/streams/{{id}}/observe", $"{root}/run"],
            ModelTask.Generate => [$"{root}/generate", $"{root}/run"],
            ModelTask.Caption => [$"{root}/caption", $"{root}/run"],
            _ => [$"{root}/run"],
        };
        Dictionary<string, object>? details = model.Forecaster is { } f
            ? new() { ["horizon"] = f.Horizon, ["window"] = f.WindowSize, ["season"] = f.Seasons[0], ["confidence"] = f.ConfidenceLevel }
            : model.Generator is { } g ? new() { ["vocabulary_size"] = g.Vocabulary.Count } : null;
        return new ModelDescription(model.Name, model.TaskName, model.Ready, model.NotReadyReason, endpoints,
            model.Info?.Inputs.Select(i => i.ToString()).ToArray() ?? [], model.Info?.Outputs.Select(o => o.ToString()).ToArray() ?? [], details);
    }
}
