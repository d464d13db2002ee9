using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Forecasting;

namespace RnnOnnx.ML.Forecasting;

/// <summary>The output of <see cref="RnnForecastTransformer.Transform"/>: the input plus the forecast columns, one cursor at a time in row order.</summary>
internal sealed class RnnForecastDataView : IDataView
{
    private readonly RnnForecastTransformer _transformer;
    private readonly IDataView _input;
    private readonly DataViewSchema.Column[] _bound;

    public RnnForecastDataView(RnnForecastTransformer transformer, IDataView input, DataViewSchema.Column[] bound)
    {
        (_transformer, _input, _bound) = (transformer, input, bound);
        Schema = OutputSchema(input.Schema, transformer.Columns, transformer.Horizon);
    }

    public static DataViewSchema OutputSchema(DataViewSchema input, RnnForecastColumns columns, int horizon)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var name in columns.Outputs) builder.AddColumn(name, new VectorDataViewType(NumberDataViewType.Single, horizon));
        return builder.ToSchema();
    }

    /// <summary>False: forecasts depend on row order.</summary>
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        _transformer.ThrowIfDisposed();
        var needed = columnsNeeded.ToList();
        int inputCount = _input.Schema.Count;
        bool forecast = needed.Any(c => c.Index >= inputCount);
        var inputNeeded = needed.Where(c => c.Index < inputCount).Select(c => _input.Schema[c.Index]);
        if (forecast) inputNeeded = inputNeeded.Concat(_bound);
        var cursor = _input.GetRowCursor(inputNeeded.DistinctBy(c => c.Index).ToList());
        return new Cursor(this, cursor, forecast, needed.Where(c => c.Index >= inputCount).Select(c => c.Index).ToHashSet());
    }

    /// <summary>One cursor: the forecasts are sequential.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly RnnForecastDataView _parent;
        private readonly DataViewRowCursor _input;
        private readonly RnnForecastColumnReader? _reader;
        private readonly HashSet<int> _active;
        private readonly Dictionary<string, ForecastStream> _streams = new(StringComparer.Ordinal);
        private readonly int _horizon;
        private RnnForecast? _current;

        public Cursor(RnnForecastDataView parent, DataViewRowCursor input, bool forecast, HashSet<int> active)
        {
            (_parent, _input, _active) = (parent, input, active);
            _horizon = parent._transformer.Horizon;
            if (forecast) _reader = RnnForecastColumnReader.Create(input, parent._bound, parent._transformer.Columns);
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index < _input.Schema.Count ? _input.IsColumnActive(_input.Schema[column.Index]) : _active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (!_input.MoveNext()) return false;
            if (_reader is null) return true;
            _parent._transformer.ThrowIfDisposed();
            string key = _reader.Key();
            var transformer = _parent._transformer;
            if (!_streams.TryGetValue(key, out var stream)) _streams[key] = stream = new ForecastStream(transformer.Model, key, transformer.Frequency);
            double value = _reader.Value();
            try
            {
                if (transformer.Columns.Time is null) stream.Add(value);
                else stream.Add(value, _reader.Time());
            }
            catch (DataException e)
            {
                throw new DataException($"Input column '{_parent._transformer.Columns.Input}', row {_input.Position}" +
                    (key.Length == 0 ? "" : $" (series '{key}')") + $": {e.Message}");
            }
            _current = stream.Engine?.Predict(transformer.Levels);
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = _input.Schema.Count;
            if (column.Index < inputCount) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!_active.Contains(column.Index)) throw new InvalidOperationException($"Column '{column.Name}' was not asked for when the cursor was made.");
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single; asked for {typeof(TValue).Name}.");
            var columns = _parent._transformer.Columns;
            var bound = column.Name == columns.Output && column.Index == Schema[columns.Output].Index ? null : columns.Bounds.Single(b => b.Name == column.Name);
            Func<RnnForecast, float[]> pick = bound is null ? f => f.Forecast : f => bound.Upper ? f.Intervals[bound.Level].Upper : f.Intervals[bound.Level].Lower;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, _horizon);
                if (_current is null) editor.Values.Fill(float.NaN);
                else pick(_current).CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _input.Dispose();
                foreach (var stream in _streams.Values) stream.Engine?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
