namespace RnnOnnx.Server.Contracts;

/// <summary>An image's caption.</summary>
internal sealed record CaptionResponse(string Model, string Caption);
