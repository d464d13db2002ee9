namespace RnnOnnx.Captioning;

/// <summary>One image's outcome: its caption, or why there is none.</summary>
/// <param name="Source">The file path, or the image's index for in-memory images.</param>
/// <param name="Caption">The caption, or null when the image could not be used.</param>
/// <param name="Error">Why the image could not be used (missing file, not an image, …), or null.</param>
public sealed record CaptionResult(string Source, string? Caption, string? Error);
