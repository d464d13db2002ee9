using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace RnnOnnx.ML;

/// <summary>
/// Reads the sequence column of the current row (a vector, dense or sparse, or a scalar) and converts its values to
/// what the model takes: floats, or token ids checked to be whole and non-negative.
/// </summary>
internal abstract class SequenceSource
{
    /// <summary>Whether a column of this item type can feed a float model (<paramref name="ids"/> false) or an id model.</summary>
    public static bool Accepts(DataViewType itemType, bool ids) =>
        itemType == NumberDataViewType.Single
        || (ids && (itemType == NumberDataViewType.Int32 || itemType == NumberDataViewType.Int64 || itemType is KeyDataViewType { RawType: var raw } && raw == typeof(uint)));

    public static SequenceSource Create(DataViewRow row, DataViewSchema.Column column)
    {
        var item = column.Type is VectorDataViewType vector ? vector.ItemType : column.Type;
        bool isVector = column.Type is VectorDataViewType;
        if (item == NumberDataViewType.Single) return new Values<float>(row, column, isVector, IdKind.Single);
        if (item == NumberDataViewType.Int32) return new Values<int>(row, column, isVector, IdKind.Int32);
        if (item == NumberDataViewType.Int64) return new Values<long>(row, column, isVector, IdKind.Int64);
        return new Values<uint>(row, column, isVector, IdKind.Key);
    }

    /// <summary>Loads the current row; returns how many values it holds.</summary>
    public abstract int Fetch();

    /// <summary>Copies the first <c>destination.Length</c> values (float models; the column is Single).</summary>
    public abstract void CopyFloats(Span<float> destination);

    /// <summary>Copies the first <c>destination.Length</c> values as token ids; returns the index of the first value that is no valid id, or −1.</summary>
    public abstract int CopyIds(Span<long> destination);

    /// <summary>Value <paramref name="index"/> as text and the rule it breaks, for an error message.</summary>
    public abstract string DescribeInvalidId(int index);

    private enum IdKind { Single, Int32, Int64, Key }

    private sealed class Values<T> : SequenceSource where T : unmanaged
    {
        private readonly ValueGetter<VBuffer<T>>? _vector;
        private readonly ValueGetter<T>? _scalar;
        private readonly IdKind _kind;
        private VBuffer<T> _buffer;
        private T[] _dense = new T[1];
        private int _count;

        public Values(DataViewRow row, DataViewSchema.Column column, bool isVector, IdKind kind)
        {
            if (isVector) _vector = row.GetGetter<VBuffer<T>>(column);
            else _scalar = row.GetGetter<T>(column);
            _kind = kind;
        }

        public override int Fetch()
        {
            if (_scalar is not null)
            {
                _scalar(ref _dense[0]);
                _count = 1;
            }
            else
            {
                _vector!(ref _buffer);
                _count = _buffer.Length;
                if (!_buffer.IsDense)
                {
                    // Sparse rows are rare for sequences; densify once into a reused array.
                    if (_dense.Length < _count) _dense = new T[Math.Max(_count, 2 * _dense.Length)];
                    _buffer.CopyTo(_dense.AsSpan(0, _count));
                }
            }
            return _count;
        }

        private ReadOnlySpan<T> Span(int count) =>
            _scalar is null && _buffer.IsDense ? _buffer.GetValues()[..count] : _dense.AsSpan(0, count);

        public override void CopyFloats(Span<float> destination) =>
            MemoryMarshal.Cast<T, float>(Span(destination.Length)).CopyTo(destination);

        public override int CopyIds(Span<long> destination)
        {
            var source = Span(destination.Length);
            switch (_kind)
            {
                case IdKind.Single:
                    var floats = MemoryMarshal.Cast<T, float>(source);
                    for (int i = 0; i < floats.Length; i++)
                    {
                        float v = floats[i];
                        if (!(v >= 0 && v <= long.MaxValue) || v != MathF.Floor(v)) return i;
                        destination[i] = (long)v;
                    }
                    return -1;
                case IdKind.Int32:
                    var ints = MemoryMarshal.Cast<T, int>(source);
                    for (int i = 0; i < ints.Length; i++)
                    {
                        if (ints[i] < 0) return i;
                        destination[i] = ints[i];
                    }
                    return -1;
                case IdKind.Int64:
                    var longs = MemoryMarshal.Cast<T, long>(source);
                    for (int i = 0; i < longs.Length; i++)
                    {
                        if (longs[i] < 0) return i;
                        destination[i] = longs[i];
                    }
                    return -1;
                default:
                    var keys = MemoryMarshal.Cast<T, uint>(source);
                    for (int i = 0; i < keys.Length; i++)
                    {
                        if (keys[i] == 0) return i;
                        destination[i] = keys[i] - 1L;
                    }
                    return -1;
            }
        }

        public override string DescribeInvalidId(int index)
        {
            var value = Span(index + 1)[index];
            return _kind == IdKind.Key
                ? "is a missing key (0); every step needs a token"
                : $"is {Convert.ToString(value, CultureInfo.InvariantCulture)}; token ids must be whole numbers ≥ 0";
        }
    }
}
