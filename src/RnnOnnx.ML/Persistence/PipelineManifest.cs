namespace RnnOnnx.ML;

/// <summary>The <c>pipeline.json</c> entry of a pipeline file: its format, version, and stages in order.</summary>
internal sealed record PipelineManifest
{
    public const string FormatName = "rnnonnx.pipeline";
    public const int CurrentVersion = 1;

    public required string Format { get; init; }
    public required int Version { get; init; }

    /// <summary>Entry holding ML.NET's save of an empty pipeline over the input schema: how the input schema is kept.</summary>
    public required string InputSchema { get; init; }

    public required IReadOnlyList<PipelineStage> Stages { get; init; }
}

/// <summary>One stage: a run of ML.NET transformers saved by ML.NET (<see cref="MlNet"/>) or one recurrent transformer.</summary>
internal sealed record PipelineStage
{
    /// <summary>Entry holding ML.NET's own model file for these transformers.</summary>
    public string? MlNet { get; init; }

    public RecurrentStageConfig? Recurrent { get; init; }
}
