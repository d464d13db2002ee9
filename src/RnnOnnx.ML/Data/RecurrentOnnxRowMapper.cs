using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML;

/// <summary>
/// Row-to-row mapping of <see cref="RecurrentOnnxTransformer"/>, which is what <c>PredictionEngine</c> and composed
/// pipelines use: one row per ONNX Runtime call.
/// </summary>
internal sealed class RecurrentOnnxRowMapper(RecurrentOnnxTransformer transformer, ColumnBinding binding) : IRowToRowMapper
{
    public DataViewSchema InputSchema => binding.InputSchema;

    public DataViewSchema OutputSchema => binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var indices = new SortedSet<int>();
        foreach (var column in dependingColumns)
        {
            if (column.Index != binding.OutputIndex) indices.Add(column.Index);
            else foreach (var read in binding.ReadColumns) indices.Add(read.Index);
        }
        return indices.Select(i => binding.InputSchema[i]).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        bool outputActive = activeColumns.Any(c => c.Index == binding.OutputIndex);
        return new RecurrentOnnxRow(transformer, binding, input, outputActive);
    }
}
