namespace RnnOnnx.Server.Contracts;

/// <summary>Body of <c>POST /v1/models/{name}/generate</c> (JSON names in snake_case: <c>top_k</c>, <c>top_p</c>).</summary>
internal sealed record GenerateRequest(string? Prompt = null, int Length = 200, float Temperature = 1f, int TopK = 0, float TopP = 1f, int Seed = 0);
