namespace RnnOnnx;

/// <summary>
/// A dense float32 tensor in row-major order: the data the trainer reads and writes
/// (<c>[samples, time, features]</c> for sequences, <c>[samples, features]</c> otherwise).
/// </summary>
public sealed class Tensor
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="data"/> (not copied) with the given shape.</summary>
    /// <exception cref="ShapeException">The shape has a negative dimension or does not match the data's length.</exception>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ShapeException($"Tensor shape {ShapeException.Describe(shape)} has a negative dimension.");
            count *= d;
        }
        if (count != data.Length)
            throw new ShapeException($"Tensor shape {ShapeException.Describe(shape)} holds {count} values but the data has {data.Length}.");
        Data = data;
        _shape = (int[])shape.Clone();
    }

    /// <summary>A zero-filled tensor of the given shape.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int d in shape) count *= Math.Max(d, 0);
        return new Tensor(new float[count], shape);
    }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>The dimensions.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Size of dimension <paramref name="axis"/>.</summary>
    public int Dim(int axis) => _shape[axis];

    /// <summary>Element at a multi-index.</summary>
    public float this[params int[] index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }

    private int Offset(int[] index)
    {
        if (index.Length != _shape.Length)
            throw new ShapeException($"Index of rank {index.Length} used on a tensor of shape {ShapeException.Describe(_shape)}.");
        int offset = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)_shape[i])
                throw new ShapeException($"Index {index[i]} on axis {i} is outside the tensor's shape {ShapeException.Describe(_shape)}.");
            offset = offset * _shape[i] + index[i];
        }
        return offset;
    }

    /// <summary>A copy with its own data.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), _shape);

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{ShapeException.Describe(_shape)}";
}
