namespace RnnOnnx.ML;

/// <summary>Element types the transformer feeds to or reads from a model.</summary>
internal enum TensorElement
{
    Float32,
    Int32,
    Int64,
}
