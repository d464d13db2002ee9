using RnnOnnx.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Text;
using RnnOnnx.Server.Contracts;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.Endpoints;

/// <summary><c>POST /v1/models/{name}/generate</c>: text from a character language model.</summary>
internal static class GenerateEndpoint
{
    public static void Map(RouteGroupBuilder models) => models.MapPost("/{name}/generate", Handle).WithName("generate");

    private static GenerateResponse Handle(string name, GenerateRequest request, ModelCatalog catalog, ServerOptions options, CancellationToken cancellationToken)
    {
        var generator = catalog.Get(name, ModelTask.Generate).Generator!;
        if (request.Length < 0 || request.Length > options.MaxGenerateLength)
            throw Invalid($"'length' is {request.Length}; it must be 0 to {options.MaxGenerateLength}.");
        if (!float.IsFinite(request.Temperature) || request.Temperature < 0) throw Invalid($"'temperature' is {request.Temperature}; it must be a finite number ≥ 0 (0 = greedy).");
        if (request.TopK < 0) throw Invalid($"'top_k' is {request.TopK}; it must be ≥ 0 (0 = no limit).");
        if (!(request.TopP > 0 && request.TopP <= 1)) throw Invalid($"'top_p' is {request.TopP}; it must be in (0, 1].");
        var sampling = new SamplingOptions { Temperature = request.Temperature, TopK = request.TopK, TopP = request.TopP, Seed = request.Seed };
        string prompt = request.Prompt ?? "";
        // Each character costs one step; checking the token between steps lets the request timeout stop a long generation.
        string text = generator.Generate(prompt, request.Length, sampling, _ => cancellationToken.ThrowIfCancellationRequested());
        return new GenerateResponse(name, prompt, text);
    }

    private static ProblemException Invalid(string detail) => new(400, "Invalid input", detail);
}
