using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML.Text;

/// <summary>
/// The prompt column of a <see cref="TextGenerationTransformer"/> bound to one input schema, with the output schema
/// that adds the continuation column; reads and encodes prompts row by row, naming the row when one cannot be encoded.
/// </summary>
internal sealed class PromptColumn
{
    private PromptColumn(DataViewSchema inputSchema, DataViewSchema.Column input, DataViewSchema outputSchema, string columnName)
    {
        InputSchema = inputSchema;
        Input = input;
        OutputSchema = outputSchema;
        OutputIndex = outputSchema[columnName].Index;
    }

    public DataViewSchema.Column Input { get; }

    public DataViewSchema OutputSchema { get; }

    public int OutputIndex { get; }

    public DataViewSchema InputSchema { get; }

    /// <exception cref="DataException">The prompt column is missing or not a text scalar.</exception>
    public static PromptColumn Bind(DataViewSchema schema, TextGenerationOptions options)
    {
        var input = schema.GetColumnOrNull(options.InputColumnName)
            ?? throw new DataException($"Prompt column '{options.InputColumnName}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (input.Type is not TextDataViewType)
            throw new DataException($"Prompt column '{options.InputColumnName}' must be a text (String) scalar, got {input.Type}.");
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(schema);
        builder.AddColumn(options.OutputColumnName, TextDataViewType.Instance);
        return new PromptColumn(schema, input, builder.ToSchema(), options.OutputColumnName);
    }

    /// <summary>A reader of <paramref name="row"/>'s prompt, encoded for <paramref name="generator"/>.</summary>
    public Func<int[]> Reader(DataViewRow row, TextGenerator generator)
    {
        var getter = row.GetGetter<ReadOnlyMemory<char>>(Input);
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            getter(ref value);
            try { return generator.PromptIds(value.ToString()); }
            catch (DataException e) { throw new DataException($"Prompt column '{Input.Name}', row {row.Position}: {e.Message}"); }
        };
    }
}
