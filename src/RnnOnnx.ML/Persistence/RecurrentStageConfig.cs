using RnnOnnx.Runtime;
namespace RnnOnnx.ML;

/// <summary>
/// A saved <see cref="RecurrentOnnxTransformer"/>'s options, as JSON in the pipeline file's manifest (the model
/// bytes are their own entry; the warning callback is not saved).
/// </summary>
internal sealed record RecurrentStageConfig
{
    public required string Model { get; init; }
    public required string OutputColumnName { get; init; }
    public required string InputColumnName { get; init; }
    public string? LengthColumnName { get; init; }
    public string? KeyColumnName { get; init; }
    public RecurrentOutputKind Output { get; init; }
    public int BatchSize { get; init; }
    public int MaxSequenceLength { get; init; }
    public required string ExecutionProvider { get; init; }
    public int IntraOpThreads { get; init; }
    public string? ModelInputName { get; init; }
    public string? ModelOutputName { get; init; }
    public string? ModelSequenceLengthsName { get; init; }
    public bool TimeMajor { get; init; }

    public static RecurrentStageConfig From(RecurrentOnnxOptions options, string modelEntry) => new()
    {
        Model = modelEntry,
        OutputColumnName = options.OutputColumnName,
        InputColumnName = options.InputColumnName,
        LengthColumnName = options.LengthColumnName,
        KeyColumnName = options.KeyColumnName,
        Output = options.Output,
        BatchSize = options.BatchSize,
        MaxSequenceLength = options.MaxSequenceLength,
        ExecutionProvider = options.ExecutionProvider.ToString(),
        IntraOpThreads = options.IntraOpThreads,
        ModelInputName = options.ModelInputName,
        ModelOutputName = options.ModelOutputName,
        ModelSequenceLengthsName = options.ModelSequenceLengthsName,
        TimeMajor = options.TimeMajor,
    };

    public RecurrentOnnxOptions ToOptions(ExecutionProvider? executionProvider, Action<string>? warning) => new()
    {
        OutputColumnName = OutputColumnName,
        InputColumnName = InputColumnName,
        LengthColumnName = LengthColumnName,
        KeyColumnName = KeyColumnName,
        Output = Output,
        BatchSize = BatchSize,
        MaxSequenceLength = MaxSequenceLength,
        ExecutionProvider = executionProvider ?? Runtime.ExecutionProvider.Parse(ExecutionProvider),
        IntraOpThreads = IntraOpThreads,
        ModelInputName = ModelInputName,
        ModelOutputName = ModelOutputName,
        ModelSequenceLengthsName = ModelSequenceLengthsName,
        TimeMajor = TimeMajor,
        Warning = warning,
    };
}
