using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML.Text;

/// <summary>Row-to-row mapping of <see cref="TextGenerationTransformer"/> (what <c>PredictionEngine</c> uses): a batch of one per row.</summary>
internal sealed class TextGenerationRowMapper(TextGenerationTransformer transformer, PromptColumn column) : IRowToRowMapper
{
    public DataViewSchema InputSchema => column.InputSchema;

    public DataViewSchema OutputSchema => column.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var indices = new SortedSet<int>();
        foreach (var c in dependingColumns) indices.Add(c.Index == column.OutputIndex ? column.Input.Index : c.Index);
        return indices.Select(i => column.InputSchema[i]).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new TextGenerationRow(transformer, column, input, activeColumns.Any(c => c.Index == column.OutputIndex));
    }
}
