namespace RnnOnnx.Server.Contracts;

/// <summary>
/// Body of <c>POST /v1/models/{name}/streams/{id}/observe</c>: new observations, oldest first (null = missing). The
/// first request of a stream starts it from these values as its history, so it needs at least two.
/// </summary>
internal sealed record ObserveRequest(double?[]? Values, string? Key = null);
