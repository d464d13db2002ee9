using Microsoft.ML;

namespace RnnOnnx.ML;

/// <summary>
/// What <see cref="RecurrentOnnxTransformer.Transform"/> returns: the input columns plus the output column, computed
/// lazily, a batch of rows per ONNX Runtime call, by each cursor.
/// </summary>
/// <remarks>
/// A cursor that reads the output and input columns opens two cursors on the input, as ML.NET's own batching
/// transforms do: a look-ahead cursor that reads the next batch's sequences (and lengths and keys), and the main
/// cursor that serves the other columns of the current row. Both walk the input in the same order, which IDataView
/// guarantees for unshuffled cursors; shuffling is refused, because carried state needs rows in order. A cursor that
/// reads only the output needs no main cursor.
/// </remarks>
internal sealed class RecurrentOnnxDataView(RecurrentOnnxTransformer transformer, IDataView input, ColumnBinding binding) : IDataView
{
    public DataViewSchema Schema => binding.OutputSchema;

    public bool CanShuffle => false;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var passThrough = input.Schema.Where(c => needed.Contains(c.Index)).ToList();
        if (!needed.Contains(binding.OutputIndex)) return new RecurrentOnnxCursor(transformer, binding, input.GetRowCursor(passThrough), lookAhead: null);
        var lookAhead = input.GetRowCursor(binding.ReadColumns);
        try
        {
            return new RecurrentOnnxCursor(transformer, binding, passThrough.Count == 0 ? null : input.GetRowCursor(passThrough), lookAhead);
        }
        catch
        {
            lookAhead.Dispose();
            throw;
        }
    }

    /// <summary>One cursor: batches and carried state need the rows in order.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
