namespace RnnOnnx.Server.Contracts;

/// <summary>Body of <c>POST /v1/models/{name}/forecast</c>.</summary>
/// <param name="History">The series up to now, oldest first; null marks a missing value (filled by interpolation).</param>
/// <param name="Horizon">Points wanted, 1 to the model's horizon (default: the model's horizon).</param>
/// <param name="Key">The series' key in a multi-series model ("" = scaled from its own history).</param>
internal sealed record ForecastRequest(double?[]? History, int? Horizon = null, string? Key = null);
