using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML;

/// <summary>
/// Cursor of <see cref="BatchedTextDataView{TInput}"/>: when it enters a new batch, the look-ahead cursor reads up to
/// a batch of inputs and one <see cref="BatchedTextMapping{TInput}.Compute"/> call fills the computed columns for all
/// of them. Pass-through columns come from the main cursor; without any there is none and rows are counted here.
/// </summary>
internal sealed class BatchedTextCursor<TInput> : DataViewRowCursor
{
    private readonly BatchedTextMapping<TInput> _mapping;
    private readonly DataViewRowCursor? _input;
    private readonly DataViewRowCursor? _lookAhead;
    private readonly Func<TInput>? _read;
    private readonly ValueGetter<DataViewRowId> _idGetter;
    private readonly List<TInput> _inputs = [];
    private string[][] _columns = [];
    private int _rows;
    private int _current = -1;
    private long _position = -1;
    private bool _disposed;

    public BatchedTextCursor(BatchedTextMapping<TInput> mapping, DataViewRowCursor? input, DataViewRowCursor? lookAhead)
    {
        if (input is null && lookAhead is null) throw new ArgumentException("A cursor needs an input cursor, a look-ahead cursor, or both.");
        (_mapping, _input, _lookAhead) = (mapping, input, lookAhead);
        _idGetter = input?.GetIdGetter() ?? PositionId;
        if (lookAhead is not null) _read = mapping.Reader(lookAhead);
    }

    public override DataViewSchema Schema => _mapping.OutputSchema;

    public override long Position => _position;

    public override long Batch => 0;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _idGetter;

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        _mapping.IsOutput(column.Index) ? _lookAhead is not null : _input?.IsColumnActive(_input.Schema[column.Index]) == true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int output = IndexOf(_mapping.OutputIndices, column.Index);
        if (output < 0)
            return _input is not null ? _input.GetGetter<TValue>(_input.Schema[column.Index])
                : throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was created.");
        if (_lookAhead is null) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was created.");
        ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> value) =>
        {
            if (_current < 0) throw new InvalidOperationException("The cursor is not on a row.");
            value = _columns[output][_current].AsMemory();
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds text (ReadOnlyMemory<char>), not {typeof(TValue).Name}.");
    }

    internal static int IndexOf(IReadOnlyList<int> indices, int index)
    {
        for (int i = 0; i < indices.Count; i++)
            if (indices[i] == index) return i;
        return -1;
    }

    public override bool MoveNext()
    {
        if (_input is not null && !_input.MoveNext()) return Finish();
        if (_lookAhead is not null && ++_current >= _rows)
        {
            FillBatch();
            if (_rows == 0)
            {
                if (_input is null) return Finish();
                throw new InvalidOperationException("The input data view gave its look-ahead cursor fewer rows than its main cursor; it must yield the same rows to every unshuffled cursor.");
            }
            _current = 0;
        }
        _position++;
        return true;
    }

    private void FillBatch()
    {
        _inputs.Clear();
        while (_inputs.Count < _mapping.BatchSize && _lookAhead!.MoveNext()) _inputs.Add(_read!());
        _rows = _inputs.Count;
        _columns = _rows == 0 ? [] : _mapping.Compute(_inputs);
    }

    private bool Finish()
    {
        _current = -1;
        _position = -1;
        return false;
    }

    /// <summary>Row ids when there is no main cursor: the position, as ML.NET's own batching transforms do.</summary>
    private void PositionId(ref DataViewRowId value)
    {
        if (_position < 0) throw new InvalidOperationException("The cursor is not on a row.");
        value = new DataViewRowId((ulong)_position, 0);
    }

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing)
        {
            _input?.Dispose();
            _lookAhead?.Dispose();
        }
        _disposed = true;
        base.Dispose(disposing);
    }
}
