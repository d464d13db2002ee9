using RnnOnnx.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Server.Batching;
using RnnOnnx.Server.Contracts;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Endpoints;

/// <summary><c>POST /v1/models/{name}/forecast</c>: the next points of a series with their interval, micro-batched.</summary>
internal static class ForecastEndpoint
{
    public static void Map(RouteGroupBuilder models) => models.MapPost("/{name}/forecast", HandleAsync).WithName("forecast");

    private static async Task<ForecastResponse> HandleAsync(string name, ForecastRequest request, ModelCatalog catalog,
        ForecastDispatcher dispatcher, ServerOptions options, CancellationToken cancellationToken)
    {
        var model = catalog.Get(name, ModelTask.Forecast);
        var forecaster = model.Forecaster!;
        var history = SeriesValues.Read(request.History, "history", options.MaxHistoryLength);
        int horizon = request.Horizon ?? forecaster.Horizon;
        if (horizon < 1 || horizon > forecaster.Horizon)
            throw new ProblemException(400, "Invalid input", $"'horizon' is {horizon}; model '{name}' forecasts 1 to {forecaster.Horizon} points.");
        // Checked here, on the request's own thread: a bad history fails alone, never the batch it would have joined.
        var input = forecaster.PrepareInput(history, request.Key ?? "");
        var forecast = await dispatcher.ForecastAsync(model, input, cancellationToken);
        return new ForecastResponse(name, horizon, forecaster.ConfidenceLevel,
            forecast.Forecast[..horizon], forecast.Lower[..horizon], forecast.Upper[..horizon]);
    }
}
