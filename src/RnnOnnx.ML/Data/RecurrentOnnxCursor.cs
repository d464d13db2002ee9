using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Runtime.Batching;

namespace RnnOnnx.ML;

/// <summary>
/// Cursor of <see cref="RecurrentOnnxDataView"/>: pass-through columns come from the main input cursor; when the
/// cursor enters a new batch, the look-ahead cursor reads the batch's rows and one <see cref="BatchRunner"/> call
/// computes all their outputs. Without pass-through columns there is no main cursor and rows are counted here.
/// Stream states (keyed models) live in this cursor.
/// </summary>
internal sealed class RecurrentOnnxCursor : DataViewRowCursor
{
    private readonly ColumnBinding _binding;
    private readonly DataViewRowCursor? _input;
    private readonly DataViewRowCursor? _lookAhead;
    private readonly ValueGetter<DataViewRowId> _idGetter;
    private long _position = -1;
    private readonly RecurrentOnnxTransformer _transformer;
    private readonly RowReader? _reader;
    // The workspace's parts, held only until Dispose hands them to the next cursor (then a stale call must fail
    // here, not read or clear that cursor's batch).
    private BatchWorkspace? _workspace;
    private BatchRunner? _runner;
    private SequenceBatch? _batch;
    private BatchResults? _results;
    private readonly ValueGetter<VBuffer<float>> _outputGetter;
    private int _current = -1;
    private bool _disposed;

    /// <summary>Needs <paramref name="input"/> (pass-through columns), <paramref name="lookAhead"/> (the output), or both.</summary>
    public RecurrentOnnxCursor(RecurrentOnnxTransformer transformer, ColumnBinding binding, DataViewRowCursor? input, DataViewRowCursor? lookAhead)
    {
        if (input is null && lookAhead is null) throw new ArgumentException("A cursor needs an input cursor, a look-ahead cursor, or both.");
        _transformer = transformer;
        _binding = binding;
        _input = input;
        _lookAhead = lookAhead;
        _outputGetter = GetOutput;
        _idGetter = input?.GetIdGetter() ?? PositionId;
        if (lookAhead is null) return;
        _reader = new RowReader(lookAhead, binding, transformer.Signature, transformer.Options, transformer.NewStreamStore());
        _workspace = transformer.RentWorkspace();
        (_batch, _results, _runner) = (_workspace.Batch, _workspace.Results, _workspace.Runner);
    }

    public override DataViewSchema Schema => _binding.OutputSchema;

    public override long Position => _position;

    public override long Batch => 0;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _idGetter;

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index == _binding.OutputIndex ? _lookAhead is not null : _input?.IsColumnActive(_input.Schema[column.Index]) == true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index != _binding.OutputIndex)
            return _input is not null ? _input.GetGetter<TValue>(_input.Schema[column.Index])
                : throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was created.");
        if (_lookAhead is null) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was created.");
        return _outputGetter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>, not {typeof(TValue).Name}.");
    }

    public override bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_input is not null && !_input.MoveNext()) return Finish();
        if (_lookAhead is not null && ++_current >= _batch!.Count)
        {
            FillBatch();
            if (_batch.Count == 0)
            {
                if (_input is null) return Finish();
                throw new InvalidOperationException("The input data view gave its look-ahead cursor fewer rows than its main cursor; it must yield the same rows to every unshuffled cursor.");
            }
            _current = 0;
        }
        _position++;
        return true;
    }

    private bool Finish()
    {
        _current = -1;
        _position = -1;
        return false;
    }

    private void FillBatch()
    {
        _batch!.Clear();
        _reader!.ReadBatch(_lookAhead!, _batch);
        if (_batch.Count > 0) _runner!.Run(_batch, _results!);
    }

    /// <summary>Row ids when there is no main cursor: the position, as ML.NET's own batching transforms do.</summary>
    private void PositionId(ref DataViewRowId value)
    {
        if (_position < 0 || _current < 0) throw new InvalidOperationException("The cursor is not on a row.");
        value = new DataViewRowId((ulong)_position, 0);
    }

    private void GetOutput(ref VBuffer<float> value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_current < 0) throw new InvalidOperationException("The cursor is not on a row.");
        var row = _results!.Row(_current);
        var editor = VBufferEditor.Create(ref value, row.Length);
        row.CopyTo(editor.Values);
        value = editor.Commit();
    }

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing)
        {
            _input?.Dispose();
            _lookAhead?.Dispose();
            if (_workspace is not null) _transformer.ReturnWorkspace(_workspace);
        }
        (_workspace, _runner, _batch, _results) = (null, null, null, null);
        _current = -1;
        _disposed = true;
        base.Dispose(disposing);
    }
}
