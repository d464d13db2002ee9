using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML;
using RnnOnnx.Runtime.Batching;

namespace RnnOnnx.ML;

/// <summary>
/// Reads one row — its sequence, its number of steps and its stream — from a cursor or an input row into a
/// <see cref="SequenceBatch"/>, and rejects what the model cannot take with an error naming the row, the column and
/// what was expected.
/// </summary>
internal sealed class RowReader
{
    private readonly SequenceSource _sequence;
    private readonly Func<double>? _length;
    private readonly StreamKeyReader? _key;
    private readonly StreamStateStore? _states;
    private readonly ModelSignature _model;
    private readonly string _sequenceName, _lengthName;
    private readonly int _maxSteps;

    public RowReader(DataViewRow row, ColumnBinding binding, ModelSignature model, RecurrentOnnxOptions options, StreamStateStore? states)
    {
        _sequence = SequenceSource.Create(row, binding.Sequence);
        _sequenceName = binding.Sequence.Name;
        if (binding.Length is { } length)
        {
            _length = LengthReader.Create(row, length);
            _lengthName = length.Name;
        }
        else _lengthName = "";
        if (binding.Key is { } key)
        {
            _key = StreamKeyReader.Create(row, key);
            _states = states ?? throw new ArgumentNullException(nameof(states));
        }
        _model = model;
        _maxSteps = Math.Min(options.MaxSequenceLength, model.FixedTime ?? int.MaxValue);
    }

    /// <summary>Appends the row the cursor is on, numbered <paramref name="row"/> in errors.</summary>
    /// <exception cref="DataException">The row's values or length cannot feed the model.</exception>
    public void Read(long row, SequenceBatch batch)
    {
        int first = batch.Count;
        Append(row, batch);
        RequireFinite(batch, first);
    }

    /// <summary>Appends rows from <paramref name="cursor"/> until <paramref name="batch"/> is full or the cursor ends.</summary>
    /// <exception cref="DataException">A row's values or length cannot feed the model.</exception>
    public void ReadBatch(DataViewRowCursor cursor, SequenceBatch batch)
    {
        int first = batch.Count;
        try
        {
            while (!batch.IsFull && cursor.MoveNext()) Append(cursor.Position, batch);
        }
        catch
        {
            // Row by row, an earlier row's non-finite value would have failed first: it still does.
            RequireFinite(batch, first);
            throw;
        }
        RequireFinite(batch, first);
    }

    private void Append(long row, SequenceBatch batch)
    {
        int count = _sequence.Fetch();
        int features = _model.Features;
        int steps;
        if (_length is not null)
        {
            double length = _length();
            if (!(length >= 1) || length != Math.Floor(length))
                throw Error(row, _lengthName, $"{length.ToString(CultureInfo.InvariantCulture)} is not a number of steps (a whole number ≥ 1).");
            if (length * features > count)
                throw Error(row, _lengthName, $"{length} steps of {features} features need {length * features} values, but column '{_sequenceName}' holds {count}.");
            steps = (int)length;
        }
        else
        {
            if (count == 0) throw Error(row, _sequenceName, "the sequence is empty; it needs at least one step.");
            if (count % features != 0)
                throw Error(row, _sequenceName, $"{count} values are not a whole number of steps of {features} features.");
            steps = count / features;
        }
        if (steps > _maxSteps)
            throw Error(row, _sequenceName, $"{steps} steps, more than the {_maxSteps} allowed ({(_model.FixedTime == _maxSteps ? $"the model's fixed time dimension" : "MaxSequenceLength")}).");
        if (_model.FixedTime is int time && steps != time && _model.LengthsName is null)
            throw Error(row, _sequenceName, $"{steps} steps, but the model's input '{_model.InputName}' has a fixed time dimension of {time} and no sequence-lengths input, so every sequence must have exactly {time} steps.");

        var state = _key?.Resolve(_states!);
        if (_model.TakesIds)
        {
            var ids = batch.AddIds(row, steps, state);
            int bad = _sequence.CopyIds(ids);
            if (bad >= 0) throw Error(row, _sequenceName, $"step {bad} {_sequence.DescribeInvalidId(bad)}.");
        }
        else
        {
            var values = batch.AddFloats(row, steps, steps * features, state);
            _sequence.CopyFloats(values);
        }
    }

    /// <summary>Rejects the first non-finite value of the float rows appended from <paramref name="first"/> on.</summary>
    /// <remarks>One vectorised pass over the packed values of a whole batch: per row, the check costs more in calls than in comparisons.</remarks>
    private void RequireFinite(SequenceBatch batch, int first)
    {
        int features = _model.Features;
        if (_model.TakesIds || batch.Count == first || TensorPrimitives.IsFiniteAll(batch.FloatsOf(first, batch.Count - first, features))) return;
        for (int r = first; r < batch.Count; r++)
        {
            var values = batch.FloatsOf(r, features);
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i]))
                    throw Error(batch.Rows[r], _sequenceName, $"value {i} (step {i / features}, feature {i % features}) is {values[i].ToString(CultureInfo.InvariantCulture)}; the model needs finite numbers.");
        }
    }

    private static DataException Error(long row, string column, string problem) => new($"Row {row}, column '{column}': {problem}");
}
