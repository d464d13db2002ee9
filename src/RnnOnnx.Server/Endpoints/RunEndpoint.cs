using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Server.Models;

namespace RnnOnnx.Server.Endpoints;

/// <summary>
/// <c>POST /v1/models/{name}/run</c>: any served model once on named tensors, in the tensor JSON of
/// <c>rnnonnx run</c> (<c>{"input": {"shape": [1, 3, 1], "data": [...]}}</c>), every output back in the same form.
/// Calls share one session per model, opened by the first (the task endpoints keep their own).
/// </summary>
internal static class RunEndpoint
{
    public static void Map(RouteGroupBuilder models) => models.MapPost("/{name}/run", HandleAsync).WithName("run");

    private static async Task<IResult> HandleAsync(string name, HttpRequest request, ModelCatalog catalog, CancellationToken cancellationToken)
    {
        var model = catalog.Get(name, task: null);
        using var reader = new StreamReader(request.Body);
        string json = await reader.ReadToEndAsync(cancellationToken);
        string outputs = model.Runner.Run(json);
        return TypedResults.Text(outputs, "application/json");
    }
}
