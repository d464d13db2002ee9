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
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var passThrough = input.Schema.Where(c => needed.Contains(c.Index)).ToList();
        if (!needed.Contains(column.OutputIndex)) return new TextGenerationCursor(transformer, column, input.GetRowCursor(passThrough), lookAhead: null);
        var lookAhead = input.GetRowCursor([column.Input]);
        try
        {
            return new TextGenerationCursor(transformer, column, passThrough.Count == 0 ? null : input.GetRowCursor(passThrough), lookAhead);
        }
        catch
        {
            lookAhead.Dispose();
            throw;
        }
    }

    /// <summary>One cursor: batches need the rows in order.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
