using Microsoft.ML.OnnxRuntime;

namespace RnnOnnx.ML.Bench;

/// <summary>
/// The floor: batched <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/>
/// calls as a competent caller who already holds the windows in one array writes them. Inputs and outputs live on
/// the pinned object heap and every batch's OrtValues are created once, up front, so a pass is only ONNX Runtime's
/// calls, writing straight into the result array: no copies, no per-batch allocations. The session is created with
/// the same options as the transformer's (see <c>SessionFactory</c>), so both run on the same thread settings.
/// </summary>
internal sealed class RawBatches : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[][] _inputs, _outputs;
    private readonly string[] _inputNames = ["input"], _outputNames = ["output"];

    public RawBatches(Workload work, int rows, int batch)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(work.Full, options);
        var windows = GC.AllocateUninitializedArray<float>(rows * work.Window, pinned: true);
        work.Flat.AsSpan(0, windows.Length).CopyTo(windows);
        Output = GC.AllocateArray<float>(rows, pinned: true);
        int batches = (rows + batch - 1) / batch;
        _inputs = new OrtValue[batches][];
        _outputs = new OrtValue[batches][];
        for (int b = 0; b < batches; b++)
        {
            int start = b * batch, n = Math.Min(batch, rows - start);
            _inputs[b] = [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, windows.AsMemory(start * work.Window, n * work.Window), [n, work.Window, 1])];
            _outputs[b] = [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Output.AsMemory(start, n), [n, 1])];
        }
    }

    /// <summary>Row i's forecast after <see cref="Run"/>.</summary>
    public float[] Output { get; }

    public void Run()
    {
        for (int b = 0; b < _inputs.Length; b++)
            _session.Run(_runOptions, _inputNames, _inputs[b], _outputNames, _outputs[b]);
    }

    public void Dispose()
    {
        foreach (var value in _inputs.Concat(_outputs).SelectMany(v => v)) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
