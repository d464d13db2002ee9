using System.Globalization;

namespace RnnOnnx.Runtime;

/// <summary>
/// The ONNX Runtime execution provider a model runs on: <see cref="Cpu"/>, <see cref="Cuda(int)"/> or
/// <see cref="Auto(int)"/>.
/// </summary>
/// <remarks>
/// The default build references the CPU-only package <c>Microsoft.ML.OnnxRuntime</c>. To run on a GPU, build with
/// <c>dotnet build -p:RnnOnnxGpu=true</c>, which references <c>Microsoft.ML.OnnxRuntime.Gpu</c> instead, and install an
/// NVIDIA driver with CUDA 12.x and cuDNN 9.x. <see cref="Cuda(int)"/> without all of that throws
/// <see cref="ExecutionProviderUnavailableException"/> saying which part is missing; <see cref="Auto(int)"/> runs on
/// the CPU and reports one warning.
/// </remarks>
public sealed record ExecutionProvider
{
    private ExecutionProvider(ExecutionProviderKind kind, int deviceId)
    {
        Kind = kind;
        DeviceId = deviceId;
    }

    /// <summary>CPU, CUDA or automatic.</summary>
    public ExecutionProviderKind Kind { get; }

    /// <summary>CUDA device ordinal (0 for the first GPU); 0 and unused for <see cref="ExecutionProviderKind.Cpu"/>.</summary>
    public int DeviceId { get; }

    /// <summary>ONNX Runtime's CPU provider.</summary>
    public static ExecutionProvider Cpu { get; } = new(ExecutionProviderKind.Cpu, 0);

    /// <summary>The CUDA provider on GPU <paramref name="deviceId"/>; creating a session fails when it cannot start.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deviceId"/> is negative.</exception>
    public static ExecutionProvider Cuda(int deviceId = 0) => new(ExecutionProviderKind.Cuda, CheckDevice(deviceId));

    /// <summary>CUDA on GPU <paramref name="deviceId"/> when it starts, otherwise the CPU after one warning.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deviceId"/> is negative.</exception>
    public static ExecutionProvider Auto(int deviceId = 0) => new(ExecutionProviderKind.Auto, CheckDevice(deviceId));

    /// <summary>
    /// Reads <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>auto</c> or <c>auto:N</c> (case-insensitive), the form
    /// <see cref="ToString"/> writes and command lines take.
    /// </summary>
    /// <exception cref="ExecutionProviderFormatException">The text is none of those (a <see cref="FormatException"/>).</exception>
    public static ExecutionProvider Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToUpperInvariant().Split(':');
        int device = 0;
        if (parts.Length > 2 || (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out device)))
            throw new ExecutionProviderFormatException($"Execution provider '{text}' is not cpu, cuda[:DEVICE] or auto[:DEVICE].");
        return parts[0] switch
        {
            "CPU" when parts.Length == 1 => Cpu,
            "CUDA" => Cuda(device),
            "AUTO" => Auto(device),
            _ => throw new ExecutionProviderFormatException($"Execution provider '{text}' is not cpu, cuda[:DEVICE] or auto[:DEVICE]."),
        };
    }

    /// <summary><c>cpu</c>, <c>cuda:N</c> or <c>auto:N</c>.</summary>
    public override string ToString() => Kind switch
    {
        ExecutionProviderKind.Cpu => "cpu",
        ExecutionProviderKind.Cuda => $"cuda:{DeviceId.ToString(CultureInfo.InvariantCulture)}",
        _ => $"auto:{DeviceId.ToString(CultureInfo.InvariantCulture)}",
    };

    private static int CheckDevice(int deviceId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        return deviceId;
    }
}
