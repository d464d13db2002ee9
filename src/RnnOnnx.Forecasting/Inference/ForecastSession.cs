using RnnOnnx.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

using RnnOnnx.Forecasting.Training;
using RnnOnnx.Runtime;

namespace RnnOnnx.Forecasting.Inference;

/// <summary>
/// The forecaster's step graph on ONNX Runtime: scaled differences [1, T, 1] and states in, per-step forecasts
/// [1, T, H] and states out. Zero states and the whole context in one call is the full model; one step with the
/// previous states is a streaming update. One session, shared (ONNX Runtime's Run is thread-safe).
/// </summary>
internal sealed class ForecastSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _stateInputs;
    private readonly string[] _stateOutputs;
    private readonly int[] _stateWidths;
    private readonly string[] _batchInputNames;
    private readonly string[] _batchOutputNames = [OnnxExporter.OutputName];
    // Never changed after creation, so one instance serves every concurrent Run.
    private readonly RunOptions _runOptions = new();

    public ForecastSession(byte[] model, ExecutionProvider provider, Action<string>? warn)
    {
        _session = SessionFactory.Create(model, provider, intraOpThreads: 1, warn ?? (m => Console.Error.WriteLine(m)), out _);
        _stateInputs = _session.InputMetadata.Keys.Where(k => k != OnnxExporter.InputName).Order(StringComparer.Ordinal).ToArray();
        _stateOutputs = _stateInputs.Select(k => k.Replace("_in_", "_out_", StringComparison.Ordinal)).ToArray();
        _stateWidths = _stateInputs.Select(k => _session.InputMetadata[k].Dimensions[^1]).ToArray();
        _batchInputNames = [OnnxExporter.InputName, .. _stateInputs];
    }

    /// <summary>Fresh (zero) states.</summary>
    public float[][] ZeroStates() => _stateWidths.Select(w => new float[w]).ToArray();

    /// <summary>Runs <paramref name="steps"/> from <paramref name="states"/> (updated in place); returns the last step's H outputs.</summary>
    public float[] Run(float[] steps, float[][] states, int horizon)
    {
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, new DenseTensor<float>(steps, [1, steps.Length, 1])),
        };
        for (int i = 0; i < _stateInputs.Length; i++)
            inputs.Add(NamedOnnxValue.CreateFromTensor(_stateInputs[i], new DenseTensor<float>((float[])states[i].Clone(), [1, states[i].Length])));
        using var results = _session.Run(inputs, [OnnxExporter.OutputName, .. _stateOutputs]);
        var output = results[0].AsTensor<float>().ToArray();
        for (int i = 0; i < _stateInputs.Length; i++) results[i + 1].AsTensor<float>().ToArray().CopyTo(states[i], 0);
        return output.AsSpan(output.Length - horizon).ToArray();
    }

    /// <summary>
    /// Runs B contexts of one length T from zero states as one [B, T, 1] batch; returns each row's last-step H outputs.
    /// </summary>
    public float[][] RunBatch(float[][] contexts, int horizon)
    {
        int b = contexts.Length, t = contexts[0].Length;
        var steps = new float[b * t];
        for (int r = 0; r < b; r++) contexts[r].CopyTo(steps, r * t);
        var inputs = new OrtValue[1 + _stateInputs.Length];
        try
        {
            inputs[0] = OrtValue.CreateTensorValueFromMemory(steps, [b, t, 1]);
            for (int i = 0; i < _stateInputs.Length; i++) inputs[i + 1] = OrtValue.CreateTensorValueFromMemory(new float[b * _stateWidths[i]], [b, _stateWidths[i]]);
            using var results = _session.Run(_runOptions, _batchInputNames, inputs, _batchOutputNames);
            // Output is [B, T, H] and only each row's last step is wanted: read it where ONNX Runtime put it rather
            // than copying the whole tensor (T times larger) into a managed array first.
            var output = results[0].GetTensorDataAsSpan<float>();
            // Row r's last step starts at (r·T + T − 1)·H.
            int width = output.Length / (b * t);
            var rows = new float[b][];
            for (int r = 0; r < b; r++) rows[r] = output.Slice(((r * t) + t - 1) * width + width - horizon, horizon).ToArray();
            return rows;
        }
        finally
        {
            foreach (var value in inputs) value?.Dispose();
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
