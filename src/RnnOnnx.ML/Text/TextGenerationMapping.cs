using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Text;

namespace RnnOnnx.ML.Text;

/// <summary>
/// The prompt column of a <see cref="TextGenerationTransformer"/> bound to one input schema, with the output schema
/// that adds the continuation column; reads and encodes prompts row by row, naming the row when one cannot be
/// encoded, and continues a batch of them through the step graph.
/// </summary>
internal sealed class TextGenerationMapping : BatchedTextMapping<int[]>
{
    private readonly TextGenerationTransformer _transformer;
    private readonly TextGenerator _generator;
    private readonly DataViewSchema.Column _input;

    private TextGenerationMapping(TextGenerationTransformer transformer, TextGenerator generator, DataViewSchema inputSchema, DataViewSchema.Column input, DataViewSchema outputSchema, string columnName)
    {
        (_transformer, _generator, InputSchema, _input, OutputSchema) = (transformer, generator, inputSchema, input, outputSchema);
        OutputIndices = [outputSchema[columnName].Index];
    }

    public override DataViewSchema InputSchema { get; }

    public override DataViewSchema OutputSchema { get; }

    public override IReadOnlyList<int> OutputIndices { get; }

    public override IReadOnlyList<DataViewSchema.Column> ReadColumns => [_input];

    public override int BatchSize => _transformer.Options.BatchSize;

    /// <exception cref="DataException">The prompt column is missing or not a text scalar.</exception>
    public static DataViewSchema.Column CheckPrompt(DataViewSchema schema, TextGenerationOptions options)
    {
        var input = schema.GetColumnOrNull(options.InputColumnName)
            ?? throw new DataException($"Prompt column '{options.InputColumnName}' is not in the input; it has {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
        if (input.Type is not TextDataViewType)
            throw new DataException($"Prompt column '{options.InputColumnName}' must be a text (String) scalar, got {input.Type}.");
        return input;
    }

    /// <exception cref="DataException">The prompt column is missing or not a text scalar.</exception>
    public static TextGenerationMapping Bind(TextGenerationTransformer transformer, TextGenerator generator, DataViewSchema schema)
    {
        var options = transformer.Options;
        var input = CheckPrompt(schema, options);
        var builder = new DataViewSchema.Builder();
        // All input columns, even one named like the output (it becomes hidden): indices must stay those of the input.
        builder.AddColumns(schema);
        builder.AddColumn(options.OutputColumnName, TextDataViewType.Instance);
        return new TextGenerationMapping(transformer, generator, schema, input, builder.ToSchema(), options.OutputColumnName);
    }

    public override Func<int[]> Reader(DataViewRow row)
    {
        var getter = row.GetGetter<ReadOnlyMemory<char>>(_input);
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            getter(ref value);
            try { return _generator.PromptIds(value.ToString()); }
            catch (DataException e) { throw new DataException($"Prompt column '{_input.Name}', row {row.Position}: {e.Message}"); }
        };
    }

    public override string[][] Compute(IReadOnlyList<int[]> rows) => [_transformer.Continue(rows)];
}
