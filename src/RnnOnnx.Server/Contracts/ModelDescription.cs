namespace RnnOnnx.Server.Contracts;

/// <summary>One entry of <c>GET /v1/models</c>: what the model is, whether it serves, and where.</summary>
internal sealed record ModelDescription(string Name, string Task, bool Ready, string? Reason, string[] Endpoints,
    string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, object>? Details);
