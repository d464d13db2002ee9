using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Runtime.Batching;
using RnnOnnx.Runtime;

namespace RnnOnnx.ML;

/// <summary>
/// The options' columns found in one input schema and checked against the model: the sequence column's type and
/// size, the length and key columns, and the output column's type. Errors name the column, what it is and what the
/// model needs.
/// </summary>
internal sealed class ColumnBinding
{
    private ColumnBinding() { }

    public DataViewSchema InputSchema { get; private init; } = null!;

    /// <summary>The input schema plus the output column, appended last (hiding an input column of the same name).</summary>
    public DataViewSchema OutputSchema { get; private init; } = null!;

    public DataViewSchema.Column Sequence { get; private init; }

    public DataViewSchema.Column? Length { get; private init; }

    public DataViewSchema.Column? Key { get; private init; }

    /// <summary>Index of the output column in <see cref="OutputSchema"/>.</summary>
    public int OutputIndex => InputSchema.Count;

    /// <summary>Steps per row when every row has the same number (fixed-size input column, no length column).</summary>
    public int? FixedSteps { get; private init; }

    /// <summary>Input columns the transformer itself reads.</summary>
    public IEnumerable<DataViewSchema.Column> ReadColumns =>
        new[] { (DataViewSchema.Column?)Sequence, Length, Key }.Where(c => c.HasValue).Select(c => c!.Value);

    public static ColumnBinding Bind(DataViewSchema schema, RecurrentOnnxOptions options, ModelSignature model)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var sequence = Find(schema, options.InputColumnName, "Input");
        var itemType = sequence.Type is VectorDataViewType vector ? vector.ItemType : sequence.Type;
        if (!SequenceSource.Accepts(itemType, model.TakesIds))
            throw new DataException(
                $"Input column '{sequence.Name}' is {sequence.Type}; the model's input '{model.InputName}' needs " +
                (model.TakesIds ? "token ids: a vector (or scalar) of Single, Int32, Int64 or keys." : $"a vector (or scalar) of Single holding steps × {model.Features} features."));

        int? values = sequence.Type switch
        {
            VectorDataViewType { IsKnownSize: true } v => v.Size,
            VectorDataViewType => null,
            _ => 1,
        };
        if (values == 1 && model.Features != 1 && sequence.Type is not VectorDataViewType)
            throw new DataException($"Input column '{sequence.Name}' is a scalar, but each step of the model's input '{model.InputName}' has {model.Features} features: give a vector.");

        DataViewSchema.Column? length = null;
        if (options.LengthColumnName is { } lengthName)
        {
            var column = Find(schema, lengthName, "Length");
            if (!LengthReader.Accepts(column.Type))
                throw new DataException($"Length column '{lengthName}' is {column.Type}; it must be a scalar Int32, Int64, UInt32, Single or Double (steps per row).");
            length = column;
        }

        int? fixedSteps = null;
        if (length is null && values is int known)
        {
            if (known % model.Features != 0)
                throw new DataException($"Input column '{sequence.Name}' holds {known} values per row, which is not a whole number of steps of {model.Features} features (the model's input '{model.InputName}').");
            fixedSteps = known / model.Features;
            if (fixedSteps > options.MaxSequenceLength)
                throw new DataException($"Input column '{sequence.Name}' holds {fixedSteps} steps per row, more than MaxSequenceLength ({options.MaxSequenceLength}).");
            if (model.FixedTime is int time && (fixedSteps > time || (fixedSteps < time && model.LengthsName is null)))
                throw new DataException($"Input column '{sequence.Name}' holds {fixedSteps} steps per row, but the model's input '{model.InputName}' has a fixed time dimension of {time}.");
        }

        DataViewSchema.Column? key = null;
        if (options.KeyColumnName is { } keyName)
        {
            var column = Find(schema, keyName, "Key");
            if (!StreamKeyReader.Accepts(column.Type))
                throw new DataException($"Key column '{keyName}' is {column.Type}; it must be a scalar text, Int32, Int64, UInt32, UInt64 or key value naming the stream.");
            key = column;
        }

        var outputType = OutputType(model, fixedSteps);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(schema);
        builder.AddColumn(options.OutputColumnName, outputType);
        return new ColumnBinding
        {
            InputSchema = schema,
            OutputSchema = builder.ToSchema(),
            Sequence = sequence,
            Length = length,
            Key = key,
            FixedSteps = fixedSteps,
        };
    }

    private static VectorDataViewType OutputType(ModelSignature model, int? fixedSteps)
    {
        var single = NumberDataViewType.Single;
        return model.Kind switch
        {
            RecurrentOutputKind.Sequence when fixedSteps is int steps && model.OutputWidth is int width => new VectorDataViewType(single, steps, width),
            RecurrentOutputKind.Sequence => new VectorDataViewType(single),
            _ => new VectorDataViewType(single, model.ColumnWidth ?? 0),
        };
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw new DataException(
            $"{role} column '{name}' is not in the input; it has {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
}
