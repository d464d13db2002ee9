using Microsoft.ML;

namespace RnnOnnx.ML.Text;

/// <summary>
/// What <see cref="TextGenerationTransformer.Transform"/> returns: the input plus the continuation column. A cursor that
/// reads the continuation opens a look-ahead cursor on the input that reads the next batch's prompts, as
/// <see cref="RecurrentOnnxDataView"/> does, next to the main cursor serving the other columns.
/// </summary>
internal sealed class TextGenerationDataView(TextGenerationTransformer transformer, IDataView input, PromptColumn column) : IDataView
{
    public DataViewSchema Schema => column.OutputSchema;

    /// <summary>False: the main and look-ahead cursors must meet the rows in the same order.</summary>
    public bool CanShuffle => false;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var indices = columnsNeeded.Select(c => c.Index).ToHashSet();
        bool generates = indices.Remove(column.OutputIndex);
        var passThrough = input.Schema.Where(c => indices.Contains(c.Index)).ToList();
        // Without pass-through columns a generating cursor needs no main cursor; without generation it needs only that one.
        var main = passThrough.Count > 0 || !generates ? input.GetRowCursor(passThrough) : null;
        try
        {
            return new TextGenerationCursor(transformer, column, main, generates ? input.GetRowCursor([column.Input]) : null);
        }
        catch
        {
            main?.Dispose();
            throw;
        }
    }

    /// <summary>One cursor: batches need the rows in order.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
