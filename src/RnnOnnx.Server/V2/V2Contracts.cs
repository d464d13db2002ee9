namespace RnnOnnx.Server.V2;

/// <summary>GET /v2: the server's name, version and protocol extensions.</summary>
internal sealed record V2ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>A tensor of the model metadata: name, datatype and shape (-1 = any size).</summary>
internal sealed record V2MetadataTensor(string Name, string Datatype, long[] Shape);

/// <summary>GET /v2/models/{name}[/versions/{v}]: the model's versions, platform and the tensors a client sends and gets.</summary>
internal sealed record V2ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<V2MetadataTensor> Inputs, IReadOnlyList<V2MetadataTensor> Outputs);

/// <summary>One input tensor of an inference request (for the OpenAPI document; the server reads the body itself).</summary>
internal sealed record V2RequestInput(string Name, long[] Shape, string Datatype, object Data);

/// <summary>An output asked for by name (all outputs when the request names none).</summary>
internal sealed record V2RequestOutput(string Name);

/// <summary>
/// POST /v2/models/{name}[/versions/{v}]/infer. <c>data</c> is row-major, flat or nested. For a step model,
/// <c>parameters</c> carries <c>sequence_id</c> (uint64 or string), <c>sequence_start</c> and <c>sequence_end</c> (booleans).
/// </summary>
internal sealed record V2InferRequest(string? Id, Dictionary<string, object>? Parameters, IReadOnlyList<V2RequestInput> Inputs, IReadOnlyList<V2RequestOutput>? Outputs);

/// <summary>One output tensor of an inference response; <c>data</c> is flat, row-major.</summary>
internal sealed record V2ResponseOutput(string Name, long[] Shape, string Datatype, object Data);

/// <summary>The inference response: the model, its version, the request's id (when it had one) and the outputs.</summary>
internal sealed record V2InferResponse(string ModelName, string ModelVersion, string? Id, IReadOnlyList<V2ResponseOutput> Outputs);

/// <summary>The body of every /v2 error, as Triton answers it.</summary>
internal sealed record V2Error(string Error);
