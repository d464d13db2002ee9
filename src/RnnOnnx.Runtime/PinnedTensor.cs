using Microsoft.ML.OnnxRuntime;

namespace RnnOnnx.Runtime;

/// <summary>
/// A tensor buffer on the pinned object heap with the <see cref="OrtValue"/> that shows it to ONNX Runtime. The
/// buffer grows to the largest shape seen and is then reused; the OrtValue is rebuilt only when the shape changes,
/// so steady-state calls with the same batch shape allocate nothing here.
/// </summary>
public sealed class PinnedTensor<T> : IDisposable where T : unmanaged
{
    private T[] _buffer = [];
    private readonly long[] _shape;
    private int _length;
    private OrtValue? _value;

    /// <summary>An empty tensor of <paramref name="rank"/> dimensions; its buffer grows on first use.</summary>
    public PinnedTensor(int rank) => _shape = new long[rank];

    /// <summary>The shape set by the last <see cref="Shape(long, long)"/> or <see cref="Shape(long, long, long)"/>.</summary>
    public ReadOnlySpan<long> Dimensions => _shape;

    /// <summary>The current elements.</summary>
    public Span<T> Span => _buffer.AsSpan(0, _length);

    /// <summary>Sets a rank-1 shape and returns the elements to fill.</summary>
    public Span<T> Shape(long a) => Reshape(a, 0, 0, 1);

    /// <summary>Sets a rank-2 shape and returns the elements to fill.</summary>
    public Span<T> Shape(long a, long b) => Reshape(a, b, 0, 2);

    /// <summary>Sets a rank-3 shape and returns the elements to fill.</summary>
    public Span<T> Shape(long a, long b, long c) => Reshape(a, b, c, 3);

    /// <summary>The OrtValue over the current elements and shape.</summary>
    public OrtValue Value => _value ??= OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _buffer.AsMemory(0, _length), (long[])_shape.Clone());

    private Span<T> Reshape(long a, long b, long c, int rank)
    {
        if (rank != _shape.Length) throw new InvalidOperationException($"Tensor of rank {_shape.Length} given a rank-{rank} shape.");
        long length = a * (rank > 1 ? b : 1) * (rank > 2 ? c : 1);
        if (length > Array.MaxLength) throw new ShapeException($"A batch tensor of {length} elements is too large: lower BatchSize.");
        bool changed = length != _length || _shape[0] != a || (rank > 1 && _shape[1] != b) || (rank > 2 && _shape[2] != c);
        if (length > _buffer.Length)
        {
            // Grow geometrically so that a slowly growing sequence length does not reallocate every batch.
            _buffer = GC.AllocateUninitializedArray<T>((int)Math.Min(Array.MaxLength, Math.Max(length, 2L * _buffer.Length)), pinned: true);
            changed = true;
        }
        if (changed)
        {
            _value?.Dispose();
            _value = null;
            _shape[0] = a;
            if (rank > 1) _shape[1] = b;
            if (rank > 2) _shape[2] = c;
            _length = (int)length;
        }
        return _buffer.AsSpan(0, _length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _value?.Dispose();
        _value = null;
    }
}
