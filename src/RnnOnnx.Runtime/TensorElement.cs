namespace RnnOnnx.Runtime;

/// <summary>Element types fed to or read from a model: ONNX's own names for them.</summary>
#pragma warning disable CA1720 // The names are ONNX's element types, which users know by these names.
public enum TensorElement
{
    /// <summary>32-bit float (ONNX FLOAT).</summary>
    Float32,

    /// <summary>32-bit signed integer (ONNX INT32).</summary>
    Int32,

    /// <summary>64-bit signed integer (ONNX INT64).</summary>
    Int64,
}
#pragma warning restore CA1720
