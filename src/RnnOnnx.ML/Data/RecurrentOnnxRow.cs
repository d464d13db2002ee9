using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Runtime.Batching;

namespace RnnOnnx.ML;

/// <summary>
/// One mapped row (<see cref="RecurrentOnnxRowMapper"/>): the output is computed once per input position, the first
/// time it is read, as a batch of one. Stream states live in this row, so a <c>PredictionEngine</c> continues each
/// stream from one <c>Predict</c> to the next.
/// </summary>
internal sealed class RecurrentOnnxRow : DataViewRow
{
    private readonly ColumnBinding _binding;
    private readonly DataViewRow _input;
    private readonly bool _outputActive;
    private readonly RowReader? _reader;
    private readonly BatchRunner? _runner;
    private readonly SequenceBatch _batch = new(1);
    private readonly BatchResults _results = new(1);
    private readonly ValueGetter<VBuffer<float>> _outputGetter;
    private long _computedAt = -1;
    private bool _disposed;

    public RecurrentOnnxRow(RecurrentOnnxTransformer transformer, ColumnBinding binding, DataViewRow input, bool outputActive)
    {
        _binding = binding;
        _input = input;
        _outputActive = outputActive;
        _outputGetter = GetOutput;
        if (!outputActive) return;
        _reader = new RowReader(input, binding, transformer.Signature, transformer.Options, transformer.NewStreamStore());
        _runner = transformer.NewRunner(1);
    }

    public override DataViewSchema Schema => _binding.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index == _binding.OutputIndex ? _outputActive : _input.IsColumnActive(_input.Schema[column.Index]);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index != _binding.OutputIndex) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        if (!_outputActive) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the row was created.");
        return _outputGetter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>, not {typeof(TValue).Name}.");
    }

    private void GetOutput(ref VBuffer<float> value)
    {
        long position = _input.Position;
        if (position != _computedAt)
        {
            _batch.Clear();
            _reader!.Read(position, _batch);
            _runner!.Run(_batch, _results);
            _computedAt = position;
        }
        var row = _results.Row(0);
        var editor = VBufferEditor.Create(ref value, row.Length);
        row.CopyTo(editor.Values);
        value = editor.Commit();
    }

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing) _runner?.Dispose();
        _disposed = true;
        base.Dispose(disposing);
    }
}
