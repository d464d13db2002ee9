using RnnOnnx.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Server.Contracts;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;
using RnnOnnx.Server.Streams;

namespace RnnOnnx.Server.Endpoints;

/// <summary>
/// Streaming forecast sessions held by the server: <c>POST .../streams/{id}/observe</c> starts a stream from its
/// first values or adds observations to it (O(1) each, through the model's step graph) and answers the forecast;
/// <c>DELETE .../streams/{id}</c> closes it.
/// </summary>
internal static class StreamEndpoints
{
    private const int MaxIdLength = 128;

    public static void Map(RouteGroupBuilder models)
    {
        models.MapPost("/{name}/streams/{id}/observe", Observe).WithName("observe");
        models.MapDelete("/{name}/streams/{id}", Close).WithName("close-stream");
    }

    private static StreamResponse Observe(string name, string id, ObserveRequest request, ModelCatalog catalog, StreamStore streams, ServerOptions options)
    {
        var forecaster = catalog.Get(name, ModelTask.Forecast).Forecaster!;
        CheckId(id);
        var values = SeriesValues.Read(request.Values, "values", options.MaxHistoryLength);
        var (stream, created) = streams.GetOrStart(name, id, () => forecaster.CreateEngine(values, request.Key ?? ""));
        lock (stream.Gate)
        {
            if (!created)
                foreach (var value in values) stream.Engine.Update(value);
            streams.Touch(stream);
            var forecast = stream.Engine.Predict();
            return new StreamResponse(name, id, created, stream.Engine.Observations, forecaster.Horizon, forecaster.ConfidenceLevel,
                forecast.Forecast, forecast.Lower, forecast.Upper);
        }
    }

    private static NoContent Close(string name, string id, ModelCatalog catalog, StreamStore streams)
    {
        catalog.Get(name, ModelTask.Forecast);
        return streams.Remove(name, id) ? TypedResults.NoContent()
            : throw new ProblemException(404, "Unknown stream", $"Model '{name}' has no stream '{id}' (never started, closed, or expired).");
    }

    private static void CheckId(string id)
    {
        if (id.Length > MaxIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ProblemException(400, "Invalid stream id", $"Stream id '{id}' must be 1 to {MaxIdLength} characters of A-Z, a-z, 0-9, '-', '_' and '.'.");
    }
}
