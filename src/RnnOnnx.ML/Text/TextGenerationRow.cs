using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML.Text;

/// <summary>One mapped row (<see cref="TextGenerationRowMapper"/>): the continuation is generated once per input position, the first time it is read.</summary>
internal sealed class TextGenerationRow : DataViewRow
{
    private readonly TextGenerationTransformer _transformer;
    private readonly PromptColumn _column;
    private readonly DataViewRow _input;
    private readonly bool _outputActive;
    private readonly Func<int[]>? _readPrompt;
    private readonly ValueGetter<ReadOnlyMemory<char>> _outputGetter;
    private long _computedAt = -1;
    private string _text = "";

    public TextGenerationRow(TextGenerationTransformer transformer, PromptColumn column, DataViewRow input, bool outputActive)
    {
        (_transformer, _column, _input, _outputActive) = (transformer, column, input, outputActive);
        _outputGetter = GetOutput;
        if (outputActive) _readPrompt = transformer.PromptReader(input, column);
    }

    public override DataViewSchema Schema => _column.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index == _column.OutputIndex ? _outputActive : _input.IsColumnActive(_input.Schema[column.Index]);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index != _column.OutputIndex) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        if (!_outputActive) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the row was created.");
        return _outputGetter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds text (ReadOnlyMemory<char>), not {typeof(TValue).Name}.");
    }

    private void GetOutput(ref ReadOnlyMemory<char> value)
    {
        // PredictionEngine reuses one input row at position -1 for every Predict, so the prompt is read each time there.
        long position = _input.Position;
        if (position < 0 || position != _computedAt)
        {
            _text = _transformer.Continue([_readPrompt!()])[0];
            _computedAt = position;
        }
        value = _text.AsMemory();
    }
}
