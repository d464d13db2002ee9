namespace RnnOnnx.Server.Contracts;

/// <summary>Generated text (without the prompt).</summary>
internal sealed record GenerateResponse(string Model, string Prompt, string Text);
