using Microsoft.ML.OnnxRuntime;

namespace RnnOnnx.Runtime;

/// <summary>
/// Creates the one <see cref="InferenceSession"/> a transformer shares across its cursors, engines and threads
/// (ONNX Runtime's <c>Run</c> is thread-safe), on the execution provider asked for.
/// </summary>
public static class SessionFactory
{
    private const string CudaProvider = "CUDAExecutionProvider";

    internal const string GpuHowTo =
        "To run on a GPU, build with `dotnet build -p:RnnOnnxGpu=true` (it references Microsoft.ML.OnnxRuntime.Gpu instead of " +
        "the CPU-only Microsoft.ML.OnnxRuntime) and install an NVIDIA driver with CUDA 12.x and cuDNN 9.x; " +
        "or choose ExecutionProvider.Cpu, or ExecutionProvider.Auto to fall back to the CPU.";

    /// <summary>Creates the session; <paramref name="used"/> is the provider it actually runs on.</summary>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was required and cannot start.</exception>
    public static InferenceSession Create(byte[] model, ExecutionProvider requested, int intraOpThreads, Action<string> warn, out ExecutionProvider used)
    {
        if (requested.Kind != ExecutionProviderKind.Cpu)
        {
            Exception? failure = null;
            string reason;
            if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider, StringComparer.Ordinal))
                reason = "this build's ONNX Runtime is the CPU-only package (Microsoft.ML.OnnxRuntime) and has no CUDA provider";
            else
            {
                try
                {
                    var session = CreateSession(model, intraOpThreads, requested.DeviceId);
                    used = ExecutionProvider.Cuda(requested.DeviceId);
                    return session;
                }
                // The CPU package throws EntryPointNotFoundException from AppendExecutionProvider_CUDA, the GPU package
                // OnnxRuntimeException when CUDA or cuDNN libraries or the device are missing.
                catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
                {
                    failure = e;
                    reason = $"the CUDA provider did not start on device {requested.DeviceId}: {e.Message.Trim()}";
                }
            }
            if (requested.Kind == ExecutionProviderKind.Cuda)
            {
                string message = $"ExecutionProvider.Cuda({requested.DeviceId}) is not available: {reason}. {GpuHowTo}";
                throw failure is null ? new ExecutionProviderUnavailableException(message) : new ExecutionProviderUnavailableException(message, failure);
            }
            warn($"ExecutionProvider.Auto runs this model on the CPU: {reason}. (For the GPU: build with -p:RnnOnnxGpu=true, with CUDA 12.x and cuDNN 9.x installed.)");
        }
        used = ExecutionProvider.Cpu;
        return CreateSession(model, intraOpThreads, cudaDevice: null);
    }

    private static InferenceSession CreateSession(byte[] model, int intraOpThreads, int? cudaDevice)
    {
        using var options = new SessionOptions
        {
            // ONNX Runtime's own warnings (unused initializers and the like) are noise for users of a finished model.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        if (cudaDevice is { } device) options.AppendExecutionProvider_CUDA(device);
        return new InferenceSession(model, options);
    }
}
