namespace RnnOnnx.Runtime.Tensors;

/// <summary>A tensor as the tensor JSON files hold it: a shape and its elements, row-major, as doubles.</summary>
internal sealed record JsonTensor(long[] Shape, double[] Data);
