namespace RnnOnnx.Server.Hosting;

/// <summary>The URL prefix of the model endpoints: what the concurrency limit and the in-flight count apply to.</summary>
internal static class Routes
{
    public const string Models = "/v1/models";
}
