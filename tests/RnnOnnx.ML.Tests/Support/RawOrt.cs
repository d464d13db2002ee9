using Microsoft.ML.OnnxRuntime;

namespace RnnOnnx.ML.Tests;

/// <summary>The reference the transformer is checked against for foreign models: plain InferenceSession calls, one sequence each.</summary>
internal sealed class RawOrt(byte[] model) : IDisposable
{
    private readonly InferenceSession _session = new(model);

    /// <summary>Runs one time-major sequence [steps, 1, features] from the given (or zero) states; returns every output.</summary>
    public Dictionary<string, float[]> Run(float[] sequence, int features, Dictionary<string, float[]>? states = null)
    {
        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, meta) in _session.InputMetadata)
            {
                if (meta.Dimensions.Length == 3 && meta.Dimensions[^1] == features)
                    inputs[name] = OrtValue.CreateTensorValueFromMemory(sequence, [sequence.Length / features, 1, features]);
                else
                {
                    int units = meta.Dimensions[^1];
                    var state = states?.GetValueOrDefault(name) ?? new float[units];
                    inputs[name] = OrtValue.CreateTensorValueFromMemory(state, [1, 1, units]);
                }
            }
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, inputs, _session.OutputNames);
            return _session.OutputNames.Select((n, i) => (n, outputs[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
        }
        finally
        {
            foreach (var v in inputs.Values) v.Dispose();
        }
    }

    public void Dispose() => _session.Dispose();
}
