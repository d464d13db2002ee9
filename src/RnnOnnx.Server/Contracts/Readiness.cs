namespace RnnOnnx.Server.Contracts;

/// <summary>Body of <c>/readyz</c>: "ready" or "stopping", and each model's state.</summary>
internal sealed record Readiness(string Status, IReadOnlyDictionary<string, string> Models);
