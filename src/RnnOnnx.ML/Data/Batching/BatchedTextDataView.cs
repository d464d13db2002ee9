using Microsoft.ML;

namespace RnnOnnx.ML;

/// <summary>
/// The input plus a <see cref="BatchedTextMapping{TInput}"/>'s columns, computed lazily by each cursor. A cursor that
/// reads a computed column opens two cursors on the input, as ML.NET's own batching transforms do: a look-ahead
/// cursor that reads the next batch's inputs, and the main cursor serving the other columns of the current row. Both
/// walk the input in the same order, which IDataView guarantees for unshuffled cursors, so shuffling is refused.
/// </summary>
internal sealed class BatchedTextDataView<TInput>(BatchedTextMapping<TInput> mapping, IDataView input) : IDataView
{
    public DataViewSchema Schema => mapping.OutputSchema;

    public bool CanShuffle => false;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var passThrough = input.Schema.Where(c => needed.Contains(c.Index)).ToList();
        if (!needed.Any(mapping.IsOutput)) return new BatchedTextCursor<TInput>(mapping, input.GetRowCursor(passThrough), lookAhead: null);
        var lookAhead = SingleThreadedCursor(input, mapping.ReadColumns);
        try
        {
            return new BatchedTextCursor<TInput>(mapping, passThrough.Count == 0 ? null : input.GetRowCursor(passThrough), lookAhead);
        }
        catch
        {
            lookAhead.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A cursor whose getters run on the caller's thread. ML.NET's own GetRowCursor may read the input on worker threads
    /// and rethrow a row's failure (LoadImages on a missing file) from MoveNext, ending the whole cursor; asked for a
    /// set of one it computes each value when its getter is called, so a mapping can catch one row's failure and go on.
    /// </summary>
    private static DataViewRowCursor SingleThreadedCursor(IDataView input, IEnumerable<DataViewSchema.Column> columns)
    {
        var set = input.GetRowCursorSet(columns, 1);
        if (set.Length == 1) return set[0];
        foreach (var cursor in set) cursor.Dispose();
        return input.GetRowCursor(columns);
    }

    /// <summary>One cursor: batches need the rows in order.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
