using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML.Text;

/// <summary>
/// Cursor of <see cref="TextGenerationDataView"/>: when it enters a new batch, the look-ahead cursor reads up to
/// <see cref="TextGenerationOptions.BatchSize"/> prompts and one batched generation continues them all. Pass-through
/// columns come from the main cursor; without any there is none and rows are counted here.
/// </summary>
internal sealed class TextGenerationCursor : DataViewRowCursor
{
    private readonly TextGenerationTransformer _transformer;
    private readonly PromptColumn _column;
    private readonly DataViewRowCursor? _input;
    private readonly DataViewRowCursor? _lookAhead;
    private readonly Func<int[]>? _readPrompt;
    private readonly ValueGetter<DataViewRowId> _idGetter;
    private readonly ValueGetter<ReadOnlyMemory<char>> _outputGetter;
    private readonly List<int[]> _prompts = [];
    private string[] _texts = [];
    private int _current = -1;
    private long _position = -1;
    private bool _disposed;

    public TextGenerationCursor(TextGenerationTransformer transformer, PromptColumn column, DataViewRowCursor? input, DataViewRowCursor? lookAhead)
    {
        if (input is null && lookAhead is null) throw new ArgumentException("A cursor needs an input cursor, a look-ahead cursor, or both.");
        (_transformer, _column, _input, _lookAhead) = (transformer, column, input, lookAhead);
        _idGetter = input?.GetIdGetter() ?? PositionId;
        _outputGetter = GetOutput;
        if (lookAhead is not null) _readPrompt = transformer.PromptReader(lookAhead, column);
    }

    public override DataViewSchema Schema => _column.OutputSchema;

    public override long Position => _position;

    public override long Batch => 0;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _idGetter;

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index == _column.OutputIndex ? _lookAhead is not null : _input?.IsColumnActive(_input.Schema[column.Index]) == true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index != _column.OutputIndex)
            return _input is not null ? _input.GetGetter<TValue>(_input.Schema[column.Index])
                : throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was created.");
        if (_lookAhead is null) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was created.");
        return _outputGetter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds text (ReadOnlyMemory<char>), not {typeof(TValue).Name}.");
    }

    public override bool MoveNext()
    {
        if (_input is not null && !_input.MoveNext()) return Finish();
        if (_lookAhead is not null && ++_current >= _texts.Length)
        {
            FillBatch();
            if (_texts.Length == 0)
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
        _prompts.Clear();
        while (_prompts.Count < _transformer.Options.BatchSize && _lookAhead!.MoveNext()) _prompts.Add(_readPrompt!());
        _texts = _prompts.Count == 0 ? [] : _transformer.Continue(_prompts);
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

    private void GetOutput(ref ReadOnlyMemory<char> value)
    {
        if (_current < 0) throw new InvalidOperationException("The cursor is not on a row.");
        value = _texts[_current].AsMemory();
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
