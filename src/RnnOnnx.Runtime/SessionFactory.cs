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
    /// <exception cref="ModelFileException">ONNX Runtime refuses the model (the message gives its reason).</exception>
    public static InferenceSession Create(byte[] model, ExecutionProvider requested, int intraOpThreads, Action<string> warn, out ExecutionProvider used) =>
        Create(model, "The ONNX model", requested, intraOpThreads, warn, out used);

    /// <summary>
    /// Creates the session; <paramref name="source"/> names the model in errors (a file as <c>'path'</c>), and
    /// <paramref name="used"/> is the provider it actually runs on. Whatever ONNX Runtime refuses in the model — an
    /// operator it does not have, a dimension that overflows, external data outside the model's folder, an IR
    /// version it does not read, an undefined input, a cycle — is a <see cref="ModelFileException"/> naming the
    /// model and ONNX Runtime's reason, never an internal error; ONNX Runtime's own log lines are silenced.
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was required and cannot start.</exception>
    /// <exception cref="ModelFileException">ONNX Runtime refuses the model (the message gives its reason).</exception>
    public static InferenceSession Create(byte[] model, string source, ExecutionProvider requested, int intraOpThreads, Action<string> warn, out ExecutionProvider used)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentException.ThrowIfNullOrEmpty(source);
        Quiet();
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
        try
        {
            return CreateSession(model, intraOpThreads, cudaDevice: null);
        }
        catch (Exception e) when (e is OnnxRuntimeException or OverflowException or OutOfMemoryException or InvalidOperationException)
        {
            throw new ModelFileException($"{source} is not a model ONNX Runtime can load: {Reason(e)}", e);
        }
    }

    /// <summary>ONNX Runtime's message without its "[ErrorCode:…]" prefix, on one line.</summary>
    private static string Reason(Exception e)
    {
        string message = e.Message.Trim().ReplaceLineEndings(" ");
        if (message.StartsWith("[ErrorCode:", StringComparison.Ordinal) && message.IndexOf(']', StringComparison.Ordinal) is int end and > 0)
            message = message[(end + 1)..].Trim();
        return message.Length > 600 ? message[..600] + "…" : message;
    }

    private static int _quiet;

    /// <summary>ONNX Runtime logs through its environment too (coloured lines on stderr before our own error): only fatal ones.</summary>
    private static void Quiet()
    {
        if (Interlocked.Exchange(ref _quiet, 1) == 1) return;
        try { OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL; }
        catch (OnnxRuntimeException) { }
    }

    private static InferenceSession CreateSession(byte[] model, int intraOpThreads, int? cudaDevice)
    {
        using var options = new SessionOptions
        {
            // ONNX Runtime's own warnings (unused initializers and the like) are noise for users of a finished model.
            // Its errors come back to us as exceptions and are reported once, as ours: it prints nothing itself.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        if (cudaDevice is { } device) options.AppendExecutionProvider_CUDA(device);
        return new InferenceSession(model, options);
    }
}
