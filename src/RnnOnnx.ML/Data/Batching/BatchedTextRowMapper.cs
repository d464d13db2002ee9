using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML;

/// <summary>Row-to-row mapping of a <see cref="BatchedTextMapping{TInput}"/> (what <c>PredictionEngine</c> uses): a batch of one per row.</summary>
internal sealed class BatchedTextRowMapper<TInput>(BatchedTextMapping<TInput> mapping) : IRowToRowMapper
{
    public DataViewSchema InputSchema => mapping.InputSchema;

    public DataViewSchema OutputSchema => mapping.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var indices = new SortedSet<int>();
        foreach (var c in dependingColumns)
        {
            if (!mapping.IsOutput(c.Index)) indices.Add(c.Index);
            else foreach (var read in mapping.ReadColumns) indices.Add(read.Index);
        }
        return indices.Select(i => mapping.InputSchema[i]).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new BatchedTextRow<TInput>(mapping, input, activeColumns.Any(c => mapping.IsOutput(c.Index)));
    }
}
