namespace RnnOnnx.Onnx.Import;

/// <summary>What the importer knows about one value of the graph while it walks the nodes.</summary>
internal abstract class Value;

/// <summary>A tensor known at import time.</summary>
internal sealed class ConstValue(ConstTensor tensor) : Value
{
    public ConstTensor Tensor { get; } = tensor;
}

/// <summary>
/// An integer scalar or vector computed from run-time shapes (Shape → Gather → Unsqueeze → Concat …), whose
/// elements are symbolic dimensions: the arguments of Reshape, Expand and ConstantOfShape in exported graphs.
/// </summary>
internal sealed class ShapeValue(SymDim[] items, bool isScalar) : Value
{
    public SymDim[] Items { get; } = items;
    public bool IsScalar { get; } = isScalar;
}

/// <summary>All zeros of a run-time shape (ConstantOfShape with value 0 and everything sliced from it): initial states.</summary>
internal sealed class ZerosValue(SymDim[]? dims) : Value
{
    /// <summary>The dimensions as far as known (unknown entries are <see cref="SymDim.Unknown"/>), or null when even the rank is not.</summary>
    public SymDim[]? Dims { get; } = dims;

    public int Rank => Dims?.Length ?? -1;

    public static ZerosValue OfRank(int rank) => new(rank < 0 ? null : Enumerable.Repeat(SymDim.Unknown, rank).ToArray());
}

/// <summary>A value the importer cannot follow; using it as anything fails with <see cref="Reason"/>.</summary>
internal sealed class OpaqueValue(string reason) : Value
{
    public string Reason { get; } = reason;
}
