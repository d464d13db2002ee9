namespace RnnOnnx.Server.Contracts;

/// <summary>Body of <c>GET /v1/models</c>.</summary>
internal sealed record ModelList(IReadOnlyList<ModelDescription> Models);
