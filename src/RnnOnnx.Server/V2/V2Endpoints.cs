using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.V2;

/// <summary>
/// The Open Inference Protocol (KServe v2 REST) as Triton implements it, beside /v1: server metadata and health,
/// model metadata and readiness, and inference on any model, with Triton's sequence extension for step models.
/// Errors are <c>{"error": "..."}</c> with 400 or 404 (see <see cref="ProblemWriter"/>).
/// </summary>
internal static class V2Endpoints
{
    public const string Platform = "onnxruntime_onnx";

    public static void Map(IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("v2");
        v2.MapGet("", () => TypedResults.Ok(new V2ServerMetadata("rnnonnx", ServerVersion, ["sequence", "sequence(string_id)"]))).WithName("v2-server-metadata");
        v2.MapGet("/health/live", (HttpContext context) => Empty(context, true)).WithName("v2-live").DisableRequestTimeout();
        v2.MapGet("/health/ready", (HttpContext context, ModelCatalog catalog, IHostApplicationLifetime lifetime) =>
            Empty(context, !lifetime.ApplicationStopping.IsCancellationRequested && catalog.All.Any(m => m.Onnx is not null))).WithName("v2-ready").DisableRequestTimeout();
        v2.MapGet("/models/{name}", (string name, ModelCatalog catalog) => Metadata(catalog, name, null)).WithName("v2-model-metadata");
        v2.MapGet("/models/{name}/versions/{version}", (string name, string version, ModelCatalog catalog) => Metadata(catalog, name, version)).WithName("v2-model-version-metadata");
        v2.MapGet("/models/{name}/ready", (string name, HttpContext context, ModelCatalog catalog) => Ready(context, catalog, name, null)).WithName("v2-model-ready");
        v2.MapGet("/models/{name}/versions/{version}/ready", (string name, string version, HttpContext context, ModelCatalog catalog) => Ready(context, catalog, name, version)).WithName("v2-model-version-ready");
        v2.MapPost("/models/{name}/infer", (string name, HttpContext context, ModelCatalog catalog, SequenceStore sequences) => InferAsync(context, catalog, sequences, name, null))
            .WithName("v2-infer").Produces<V2InferResponse>().Produces<V2Error>(400).Produces<V2Error>(404);
        v2.MapPost("/models/{name}/versions/{version}/infer", (string name, string version, HttpContext context, ModelCatalog catalog, SequenceStore sequences) => InferAsync(context, catalog, sequences, name, version))
            .WithName("v2-infer-version").Produces<V2InferResponse>().Produces<V2Error>(400).Produces<V2Error>(404);
    }

    private static string ServerVersion => typeof(V2Endpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>200 or 400 with an empty body (the protocol's true/false for health and readiness).</summary>
    private static IResult Empty(HttpContext context, bool ok)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        return ok ? Results.Ok() : Results.StatusCode(StatusCodes.Status400BadRequest);
    }

    /// <summary>The model version a request names (the served one when it names none).</summary>
    /// <exception cref="ProblemException">Unknown model or version (404, Triton's words).</exception>
    public static ServedModel Resolve(ModelCatalog catalog, string name, string? version)
    {
        var versions = catalog.Versions(name);
        if (versions.Count == 0) throw new ProblemException(404, "Unknown model", $"Request for unknown model: '{name}' is not found");
        if (version is null)
        {
            var served = catalog.Find(name);
            return served.Onnx is not null ? served : throw new ProblemException(404, "Unknown model", $"Request for unknown model: '{name}' has no available versions ({served.NotReadyReason})");
        }
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || versions.FirstOrDefault(m => m.Version == v) is not { } model)
            throw new ProblemException(404, "Unknown model", $"Request for unknown model: '{name}' version {version} is not found");
        return model.Onnx is not null ? model : throw new ProblemException(400, "Model not ready", $"Model version not ready: '{name}' version {version}: {model.NotReadyReason}");
    }

    private static Ok<V2ModelMetadata> Metadata(ModelCatalog catalog, string name, string? version)
    {
        var model = Resolve(catalog, name, version).V2;
        IReadOnlyList<string> versions = version is not null ? [model.VersionText]
            : catalog.Versions(name).Where(m => m.Onnx is not null).Select(m => m.Version.ToString(CultureInfo.InvariantCulture)).ToList();
        static V2MetadataTensor Tensor(V2Tensor t) => new(t.Name, t.Datatype, t.Shape);
        return TypedResults.Ok(new V2ModelMetadata(name, versions, Platform, model.Inputs.Select(Tensor).ToList(), model.Outputs.Select(Tensor).ToList()));
    }

    private static IResult Ready(HttpContext context, ModelCatalog catalog, string name, string? version)
    {
        try
        {
            Resolve(catalog, name, version);
            return Empty(context, true);
        }
        catch (ProblemException e) when (e.Status == 400)
        {
            return Empty(context, false);
        }
    }

    private static async Task InferAsync(HttpContext context, ModelCatalog catalog, SequenceStore sequences, string name, string? version)
    {
        var model = Resolve(catalog, name, version).V2;
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new ProblemException(400, "Invalid JSON body", $"failed to parse the request JSON buffer: {e.Message}");
        }
        using (document)
        {
            context.Response.ContentType = "application/json";
            await V2Inference.HandleAsync(model, document.RootElement, sequences, context.Response.Body, context.RequestAborted);
        }
    }
}
