using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML;

/// <summary>One mapped row (<see cref="BatchedTextRowMapper{TInput}"/>): its computed columns are computed once per input position, the first time one is read.</summary>
internal sealed class BatchedTextRow<TInput> : DataViewRow
{
    private readonly BatchedTextMapping<TInput> _mapping;
    private readonly DataViewRow _input;
    private readonly bool _outputActive;
    private readonly Func<TInput>? _read;
    private long _computedAt = -1;
    private string[][] _columns = [];

    public BatchedTextRow(BatchedTextMapping<TInput> mapping, DataViewRow input, bool outputActive)
    {
        (_mapping, _input, _outputActive) = (mapping, input, outputActive);
        if (outputActive) _read = mapping.Reader(input);
    }

    public override DataViewSchema Schema => _mapping.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        _mapping.IsOutput(column.Index) ? _outputActive : _input.IsColumnActive(_input.Schema[column.Index]);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int output = BatchedTextCursor<TInput>.IndexOf(_mapping.OutputIndices, column.Index);
        if (output < 0) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        if (!_outputActive) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the row was created.");
        ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> value) =>
        {
            // PredictionEngine reuses one input row at position −1 for every Predict, so the input is read each time there.
            long position = _input.Position;
            if (position < 0 || position != _computedAt)
            {
                _columns = _mapping.Compute([_read!()]);
                _computedAt = position;
            }
            value = _columns[output][0].AsMemory();
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds text (ReadOnlyMemory<char>), not {typeof(TValue).Name}.");
    }
}
