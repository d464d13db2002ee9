namespace RnnOnnx.Runtime;

/// <summary>Where ONNX Runtime runs a model.</summary>
public enum ExecutionProviderKind
{
    /// <summary>ONNX Runtime's CPU provider.</summary>
    Cpu,

    /// <summary>The CUDA provider on one GPU; fails with <see cref="ExecutionProviderUnavailableException"/> when it cannot start.</summary>
    Cuda,

    /// <summary>CUDA when it starts, otherwise the CPU after one warning.</summary>
    Auto,
}
