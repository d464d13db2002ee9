using Microsoft.ML.OnnxRuntime;

namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// Runs a <see cref="SequenceBatch"/> through the shared session and writes each row's output into
/// <see cref="BatchResults"/>. Rows are padded into pinned tensors (sequence, lengths, states) that the session reads
/// in place; once ONNX Runtime has shown that the outputs have the predicted shapes, they are written straight into
/// pinned output tensors too, through an I/O binding that is only updated when a tensor's shape changes — so a
/// steady stream of same-shaped calls allocates nothing, not even ONNX Runtime's per-call bookkeeping. One runner per
/// cursor or engine: it is not thread-safe, the session it calls is.
/// </summary>
/// <remarks>
/// Rows of one stream in the same batch depend on each other, so a batch with state runs in waves: wave w holds the
/// w-th row of each stream present. A model without a sequence-lengths input is called once per distinct length
/// within a wave, so that padding never reaches a result.
/// </remarks>
public sealed class BatchRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelSignature _model;
    private readonly string _column;
    private readonly bool _carryState;

    private readonly PinnedTensor<float>? _floats;
    private readonly PinnedTensor<long>? _longIds;
    private readonly PinnedTensor<int>? _intIds;
    private readonly PinnedTensor<int>? _lengths32;
    private readonly PinnedTensor<long>? _lengths64;
    private readonly PinnedTensor<float>[] _statesIn;
    private readonly PinnedTensor<float>? _output;
    private readonly PinnedTensor<float>[] _statesOut;

    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputValues, _outputValues;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly OrtValue?[] _boundInputs, _boundOutputs;
    private readonly bool _readsMain, _readsStates;
    /// <summary>Null until the first call shows whether ONNX Runtime's output shapes are the predicted ones.</summary>
    private bool? _outputsPredictable;

    private readonly int[] _waves, _order, _keys;

    /// <summary>Prepares batched calls of <paramref name="session"/> for <paramref name="model"/>, reading rows of <paramref name="column"/> (named in errors), up to <paramref name="capacity"/> rows a call, carrying stream state when <paramref name="carryState"/>.</summary>
    public BatchRunner(InferenceSession session, ModelSignature model, string column, int capacity, bool carryState)
    {
        _session = session;
        _model = model;
        _column = column;
        _carryState = carryState;
        _waves = new int[capacity];
        _order = new int[capacity];
        _keys = new int[capacity];

        var inputNames = new List<string> { model.InputName };
        switch (model.InputElement)
        {
            case TensorElement.Float32: _floats = new PinnedTensor<float>(3); break;
            case TensorElement.Int64: _longIds = new PinnedTensor<long>(2); break;
            default: _intIds = new PinnedTensor<int>(2); break;
        }
        if (model.LengthsName is { } lengths)
        {
            inputNames.Add(lengths);
            if (model.LengthsElement == TensorElement.Int64) _lengths64 = new PinnedTensor<long>(1);
            else _lengths32 = new PinnedTensor<int>(1);
        }
        _statesIn = model.States.Select(s => new PinnedTensor<float>(s.HasLeadingAxis ? 3 : 2)).ToArray();
        inputNames.AddRange(model.States.Select(s => s.InputName));

        _readsMain = model.Kind != RecurrentOutputKind.FinalState;
        _readsStates = model.Kind == RecurrentOutputKind.FinalState || carryState;
        var outputNames = new List<string>();
        if (_readsMain)
        {
            outputNames.Add(model.OutputName);
            _output = new PinnedTensor<float>(model.OutputIsSequence ? 3 : 2);
        }
        _statesOut = _readsStates ? model.States.Select(s => new PinnedTensor<float>(s.HasLeadingAxis ? 3 : 2)).ToArray() : [];
        if (_readsStates) outputNames.AddRange(model.States.Select(s => s.OutputName));

        _inputNames = [.. inputNames];
        _outputNames = [.. outputNames];
        _inputValues = new OrtValue[_inputNames.Length];
        _outputValues = new OrtValue[_outputNames.Length];
        _binding = session.CreateIoBinding();
        _boundInputs = new OrtValue?[_inputNames.Length];
        _boundOutputs = new OrtValue?[_outputNames.Length];
    }

    /// <summary>Runs every row of <paramref name="batch"/>; row i's output goes to <c>results.Row(i)</c>.</summary>
    public void Run(SequenceBatch batch, BatchResults results)
    {
        results.Clear();
        int count = batch.Count;
        int lastWave = 0;
        if (_carryState)
        {
            for (int i = 0; i < count; i++)
            {
                var state = batch.States[i]!;
                _waves[i] = state.RowsInBatch++;
                lastWave = Math.Max(lastWave, _waves[i]);
            }
            for (int i = 0; i < count; i++) batch.States[i]!.RowsInBatch = 0;
        }
        for (int wave = 0; wave <= lastWave; wave++)
        {
            int n = 0;
            for (int i = 0; i < count; i++)
                if (!_carryState || _waves[i] == wave) _order[n++] = i;
            RunWave(batch, results, _order.AsSpan(0, n));
        }
    }

    private void RunWave(SequenceBatch batch, BatchResults results, Span<int> rows)
    {
        if (_model.LengthsName is null && !OfOneLength(batch, rows))
        {
            // No lengths input: padding would reach the result, so call once per distinct length.
            var keys = _keys.AsSpan(0, rows.Length);
            for (int i = 0; i < rows.Length; i++) keys[i] = batch.Lengths[rows[i]];
            keys.Sort(rows);
            for (int start = 0; start < rows.Length;)
            {
                int end = start + 1;
                while (end < rows.Length && keys[end] == keys[start]) end++;
                RunChunks(batch, results, rows[start..end]);
                start = end;
            }
        }
        else RunChunks(batch, results, rows);
    }

    private static bool OfOneLength(SequenceBatch batch, ReadOnlySpan<int> rows)
    {
        for (int i = 1; i < rows.Length; i++)
            if (batch.Lengths[rows[i]] != batch.Lengths[rows[0]]) return false;
        return true;
    }

    private void RunChunks(SequenceBatch batch, BatchResults results, ReadOnlySpan<int> rows)
    {
        int chunk = _model.FixedBatch ?? rows.Length;
        for (int start = 0; start < rows.Length; start += chunk)
            Execute(batch, results, rows.Slice(start, Math.Min(chunk, rows.Length - start)));
    }

    /// <summary>One ONNX Runtime call for <paramref name="rows"/>.</summary>
    private void Execute(SequenceBatch batch, BatchResults results, ReadOnlySpan<int> rows)
    {
        int n = rows.Length, size = _model.FixedBatch ?? n;
        int steps = 0;
        foreach (int r in rows) steps = Math.Max(steps, batch.Lengths[r]);
        steps = _model.FixedTime ?? steps;

        // Padding (shorter rows, rows that only fill a fixed batch) must be zeros; full batches are overwritten whole.
        bool padded = rows.Length < size;
        foreach (int r in rows) padded |= batch.Lengths[r] < steps;

        int slot = 0;
        _inputValues[slot++] = FillSequence(batch, rows, size, steps, padded);
        if (_model.LengthsName is not null) _inputValues[slot++] = FillLengths(batch, rows, size, steps);
        for (int s = 0; s < _statesIn.Length; s++) _inputValues[slot++] = FillState(batch, rows, size, s);

        try
        {
            if (_outputsPredictable == true)
            {
                PrepareOutputs(size, steps);
                Bind();
                _session.RunWithBinding(_runOptions, _binding);
                if (_readsMain) ReadMain(batch, results, rows, _output!.Span, _output.Dimensions);
                for (int s = 0; s < _statesOut.Length; s++) ReadState(batch, results, rows, s, _statesOut[s].Span);
            }
            else
            {
                using var outputs = _session.Run(_runOptions, _inputNames, _inputValues, _outputNames);
                int o = 0;
                bool predictable = true;
                if (_readsMain)
                {
                    var shape = outputs[o].GetTensorTypeAndShape().Shape;
                    CheckMainShape(shape, size, steps);
                    predictable &= _model.OutputWidth is int width && shape.AsSpan().SequenceEqual(MainShape(size, steps, width));
                    ReadMain(batch, results, rows, outputs[o++].GetTensorDataAsSpan<float>(), shape);
                }
                for (int s = 0; s < _statesOut.Length; s++, o++)
                {
                    var shape = outputs[o].GetTensorTypeAndShape().Shape;
                    var expected = StateShape(_model.States[s], size);
                    if (!shape.AsSpan().SequenceEqual(expected))
                        throw new RnnOnnxException($"State output '{_model.States[s].OutputName}' came back as [{string.Join(", ", shape)}], not [{string.Join(", ", expected)}] like its input '{_model.States[s].InputName}'.");
                    ReadState(batch, results, rows, s, outputs[o].GetTensorDataAsSpan<float>());
                }
                _outputsPredictable ??= predictable;
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new RnnOnnxException($"ONNX Runtime failed on rows {batch.Rows[rows[0]]}–{batch.Rows[rows[^1]]} of column '{_column}': {e.Message.Trim()}", e);
        }
    }

    /// <summary>Points the binding at the current tensors; a name is rebound only when its tensor was rebuilt.</summary>
    private void Bind()
    {
        for (int i = 0; i < _inputValues.Length; i++)
            if (!ReferenceEquals(_boundInputs[i], _inputValues[i]))
            {
                _binding.BindInput(_inputNames[i], _inputValues[i]);
                _boundInputs[i] = _inputValues[i];
            }
        for (int i = 0; i < _outputValues.Length; i++)
            if (!ReferenceEquals(_boundOutputs[i], _outputValues[i]))
            {
                _binding.BindOutput(_outputNames[i], _outputValues[i]);
                _boundOutputs[i] = _outputValues[i];
            }
    }

    private OrtValue FillSequence(SequenceBatch batch, ReadOnlySpan<int> rows, int size, int steps, bool padded)
    {
        bool timeMajor = _model.TimeMajor;
        if (_floats is not null)
        {
            int f = _model.Features;
            var x = timeMajor ? _floats.Shape(steps, size, f) : _floats.Shape(size, steps, f);
            if (padded) x.Clear();
            else if (!timeMajor && IsRun(rows))
            {
                // Unpadded rows read one after another are already packed as [rows, steps, features]: one copy.
                batch.FloatsOf(rows[0], rows.Length, f).CopyTo(x);
                return _floats.Value;
            }
            for (int b = 0; b < rows.Length; b++)
            {
                var values = batch.FloatsOf(rows[b], f);
                if (!timeMajor) values.CopyTo(x.Slice(b * steps * f));
                else
                    for (int t = 0; t < values.Length / f; t++)
                        values.Slice(t * f, f).CopyTo(x.Slice((t * size + b) * f));
            }
            return _floats.Value;
        }
        if (_longIds is not null)
        {
            var x = timeMajor ? _longIds.Shape(steps, size) : _longIds.Shape(size, steps);
            if (padded) x.Clear();
            for (int b = 0; b < rows.Length; b++)
            {
                var ids = batch.IdsOf(rows[b]);
                if (!timeMajor) ids.CopyTo(x.Slice(b * steps));
                else for (int t = 0; t < ids.Length; t++) x[t * size + b] = ids[t];
            }
            return _longIds.Value;
        }
        var y = timeMajor ? _intIds!.Shape(steps, size) : _intIds!.Shape(size, steps);
        if (padded) y.Clear();
        for (int b = 0; b < rows.Length; b++)
        {
            var ids = batch.IdsOf(rows[b]);
            for (int t = 0; t < ids.Length; t++)
            {
                if (ids[t] > int.MaxValue)
                    throw new DataException($"Row {batch.Rows[rows[b]]}, column '{_column}': step {t} holds token id {ids[t]}, beyond the model's int32 input '{_model.InputName}'.");
                y[timeMajor ? t * size + b : b * steps + t] = (int)ids[t];
            }
        }
        return _intIds.Value;
    }

    /// <summary>Whether <paramref name="rows"/> are consecutive rows in reading order.</summary>
    private static bool IsRun(ReadOnlySpan<int> rows)
    {
        for (int i = 1; i < rows.Length; i++)
            if (rows[i] != rows[0] + i) return false;
        return true;
    }

    private OrtValue FillLengths(SequenceBatch batch, ReadOnlySpan<int> rows, int size, int steps)
    {
        // Rows that only fill a fixed batch dimension run over all (zero) steps.
        if (_lengths64 is not null)
        {
            var lengths = _lengths64.Shape(size);
            lengths.Fill(steps);
            for (int b = 0; b < rows.Length; b++) lengths[b] = batch.Lengths[rows[b]];
            return _lengths64.Value;
        }
        var lengths32 = _lengths32!.Shape(size);
        lengths32.Fill(steps);
        for (int b = 0; b < rows.Length; b++) lengths32[b] = batch.Lengths[rows[b]];
        return _lengths32.Value;
    }

    private OrtValue FillState(SequenceBatch batch, ReadOnlySpan<int> rows, int size, int s)
    {
        var slot = _model.States[s];
        var tensor = _statesIn[s];
        var h = slot.HasLeadingAxis ? tensor.Shape(slot.Leading, size, slot.Units) : tensor.Shape(size, slot.Units);
        h.Clear();
        if (_carryState)
            for (int b = 0; b < rows.Length; b++)
            {
                var carried = batch.States[rows[b]]!.Values.AsSpan(slot.Offset, slot.Width);
                for (int d = 0; d < slot.Leading; d++)
                    carried.Slice(d * slot.Units, slot.Units).CopyTo(h.Slice((d * size + b) * slot.Units));
            }
        return tensor.Value;
    }

    private void PrepareOutputs(int size, int steps)
    {
        int o = 0;
        if (_readsMain)
        {
            int width = _model.OutputWidth!.Value;
            if (!_model.OutputIsSequence) _output!.Shape(size, width);
            else if (_model.TimeMajor) _output!.Shape(steps, size, width);
            else _output!.Shape(size, steps, width);
            _outputValues[o++] = _output.Value;
        }
        for (int s = 0; s < _statesOut.Length; s++)
        {
            var slot = _model.States[s];
            if (slot.HasLeadingAxis) _statesOut[s].Shape(slot.Leading, size, slot.Units);
            else _statesOut[s].Shape(size, slot.Units);
            _outputValues[o++] = _statesOut[s].Value;
        }
    }

    private long[] MainShape(int size, int steps, int width) =>
        !_model.OutputIsSequence ? [size, width] : _model.TimeMajor ? [steps, size, width] : [size, steps, width];

    private static long[] StateShape(StateSlot slot, int size) => slot.HasLeadingAxis ? [slot.Leading, size, slot.Units] : [size, slot.Units];

    private void CheckMainShape(long[] shape, int size, int steps)
    {
        int rank = _model.OutputIsSequence ? 3 : 2;
        int batchAxis = _model.OutputIsSequence && _model.TimeMajor ? 1 : 0;
        bool fits = shape.Length == rank && shape[batchAxis] == size
            && (!_model.OutputIsSequence || shape[_model.TimeMajor ? 0 : 1] == steps);
        if (!fits)
            throw new RnnOnnxException($"Output '{_model.OutputName}' came back as [{string.Join(", ", shape)}] for {size} rows of {steps} steps; expected {(rank == 3 ? (_model.TimeMajor ? "[time, batch, width]" : "[batch, time, width]") : "[batch, width]")}.");
    }

    private void ReadMain(SequenceBatch batch, BatchResults results, ReadOnlySpan<int> rows, ReadOnlySpan<float> y, ReadOnlySpan<long> shape)
    {
        int width = (int)shape[^1];
        if (!_model.OutputIsSequence)
        {
            for (int b = 0; b < rows.Length; b++) y.Slice(b * width, width).CopyTo(results.Allocate(rows[b], width));
            return;
        }
        bool timeMajor = _model.TimeMajor;
        int steps = (int)shape[timeMajor ? 0 : 1], size = (int)shape[timeMajor ? 1 : 0];
        bool whole = _model.Kind == RecurrentOutputKind.Sequence;
        for (int b = 0; b < rows.Length; b++)
        {
            int length = batch.Lengths[rows[b]];
            if (!whole)
            {
                int t = length - 1;
                y.Slice(timeMajor ? (t * size + b) * width : (b * steps + t) * width, width).CopyTo(results.Allocate(rows[b], width));
            }
            else if (!timeMajor) y.Slice(b * steps * width, length * width).CopyTo(results.Allocate(rows[b], length * width));
            else
            {
                var destination = results.Allocate(rows[b], length * width);
                for (int t = 0; t < length; t++) y.Slice((t * size + b) * width, width).CopyTo(destination.Slice(t * width));
            }
        }
    }

    /// <summary>Final state s of each row: carried to the row's stream, and written out for <see cref="RecurrentOutputKind.FinalState"/>.</summary>
    private void ReadState(SequenceBatch batch, BatchResults results, ReadOnlySpan<int> rows, int s, ReadOnlySpan<float> h)
    {
        var slot = _model.States[s];
        int size = _model.FixedBatch ?? rows.Length;
        bool output = _model.Kind == RecurrentOutputKind.FinalState;
        for (int b = 0; b < rows.Length; b++)
        {
            int row = rows[b];
            Span<float> carried = _carryState ? batch.States[row]!.Values.AsSpan(slot.Offset, slot.Width) : default;
            // Every slot of a FinalState row lands in one allocation made for the first slot.
            Span<float> written = output ? (s == 0 ? results.Allocate(row, _model.StateWidth) : results.Writable(row)).Slice(slot.Offset, slot.Width) : default;
            for (int d = 0; d < slot.Leading; d++)
            {
                var source = h.Slice((d * size + b) * slot.Units, slot.Units);
                if (_carryState) source.CopyTo(carried.Slice(d * slot.Units));
                if (output) source.CopyTo(written.Slice(d * slot.Units));
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _floats?.Dispose();
        _longIds?.Dispose();
        _intIds?.Dispose();
        _lengths32?.Dispose();
        _lengths64?.Dispose();
        foreach (var t in _statesIn) t.Dispose();
        _output?.Dispose();
        foreach (var t in _statesOut) t.Dispose();
        _binding.Dispose();
        _runOptions.Dispose();
    }
}
