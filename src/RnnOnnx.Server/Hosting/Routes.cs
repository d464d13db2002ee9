using Microsoft.AspNetCore.Http;

namespace RnnOnnx.Server.Hosting;

/// <summary>The URL prefixes of the model endpoints: what the concurrency limit and the in-flight count apply to.</summary>
internal static class Routes
{
    public const string Models = "/v1/models";

    public const string V2Models = "/v2/models";

    /// <summary>Whether a request runs a model (/v1/models/..., /v2/models/.../infer), as opposed to metadata, health or metrics.</summary>
    public static bool IsModelRequest(PathString path) =>
        path.StartsWithSegments(Models) || (path.StartsWithSegments(V2Models) && path.Value!.EndsWith("/infer", StringComparison.Ordinal));
}
