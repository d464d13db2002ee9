using Microsoft.ML;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime.Batching;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML;

/// <summary>
/// Estimator of <see cref="RecurrentOnnxCatalog.ApplyRecurrentOnnxModel(TransformsCatalog, RecurrentOnnxOptions)"/>.
/// Nothing is trained: <see cref="Fit"/> checks the data's columns against the model and returns a
/// <see cref="RecurrentOnnxTransformer"/> with its own ONNX Runtime session.
/// </summary>
public sealed class RecurrentOnnxEstimator : IEstimator<RecurrentOnnxTransformer>
{
    private readonly RecurrentOnnxOptions _options;
    private readonly byte[] _model;
    private readonly ModelSignature _signature;

    /// <summary>Reads the model and checks that it fits the options.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    /// <exception cref="ModelFileException">The model file cannot be read or is not ONNX.</exception>
    /// <exception cref="ModelConfigurationException">The model's inputs and outputs do not fit the options.</exception>
    internal RecurrentOnnxEstimator(RecurrentOnnxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        Validate(_options);
        string source = _options.ModelFile is { } path ? $"ONNX model '{path}'" : "ONNX model bytes";
        _model = _options.ModelBytes ?? ReadModel(_options.ModelFile!);
        _options.ModelBytes = null;
        _signature = ModelSignature.Resolve(OnnxModelInfo.Read(_model, source), _options.Binding);
    }

    /// <summary>Checks <paramref name="input"/>'s columns and creates the transformer (and its session).</summary>
    /// <exception cref="DataException">A column is missing, or of a type or size the model cannot take.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot start.</exception>
    public RecurrentOnnxTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnBinding.Bind(input.Schema, _options, _signature);
        return RecurrentOnnxTransformer.Create(_options, _model, _signature);
    }

    /// <summary>The input shape plus the output column (a vector of Single).</summary>
    /// <exception cref="DataException">A column is missing, or of a kind or item type the model cannot take.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var sequence = Find(inputSchema, _options.InputColumnName, "Input");
        bool accepted = sequence.IsKey ? _signature.TakesIds && sequence.ItemType.RawType == typeof(uint) : SequenceSource.Accepts(sequence.ItemType, _signature.TakesIds);
        if (!accepted)
            throw new DataException($"Input column '{sequence.Name}' holds {sequence.ItemType}{(sequence.IsKey ? " keys" : "")}; the model's input '{_signature.InputName}' needs " +
                (_signature.TakesIds ? "Single, Int32, Int64 or key token ids." : "Single values."));
        if (_options.LengthColumnName is { } length)
        {
            var column = Find(inputSchema, length, "Length");
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.IsKey || !LengthReader.Accepts(column.ItemType))
                throw new DataException($"Length column '{length}' must be a scalar Int32, Int64, UInt32, Single or Double.");
        }
        if (_options.KeyColumnName is { } key)
        {
            var column = Find(inputSchema, key, "Key");
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar || !(column.IsKey || StreamKeyReader.Accepts(column.ItemType)))
                throw new DataException($"Key column '{key}' must be a scalar text, integer or key value.");
        }
        bool fixedRows = sequence.Kind != SchemaShape.Column.VectorKind.VariableVector && _options.LengthColumnName is null;
        bool knownSize = _options.Output == RecurrentOutputKind.Sequence ? fixedRows && _signature.OutputWidth is not null : _signature.ColumnWidth is not null;
        return SchemaShapes.WithSingleVector(inputSchema, _options.OutputColumnName, knownSize);
    }

    private static SchemaShape.Column Find(SchemaShape schema, string name, string role)
    {
        foreach (var column in schema)
            if (column.Name == name) return column;
        throw new DataException($"{role} column '{name}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
    }

    private static void Validate(RecurrentOnnxOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OutputColumnName)) throw new ArgumentException("OutputColumnName is required.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.InputColumnName)) throw new ArgumentException("InputColumnName is required.", nameof(options));
        if ((options.ModelFile is null) == (options.ModelBytes is null))
            throw new ArgumentException("Set exactly one of ModelFile and ModelBytes.", nameof(options));
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        if (options.MaxSequenceLength < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxSequenceLength, "MaxSequenceLength must be at least 1.");
        if (options.IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(options), options.IntraOpThreads, "IntraOpThreads must be 0 (ONNX Runtime's choice) or more.");
        if (options.ExecutionProvider is null) throw new ArgumentException("ExecutionProvider is required.", nameof(options));
        if (options.LengthColumnName == options.InputColumnName || options.KeyColumnName == options.InputColumnName)
            throw new ArgumentException($"Column '{options.InputColumnName}' cannot be both the sequence and its length or key.", nameof(options));
    }

    private static byte[] ReadModel(string path)
    {
        try { return Serialization.InputFile.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelFileException($"ONNX model '{path}' cannot be read: {e.Message}", e);
        }
    }
}
