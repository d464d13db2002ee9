using Inference;
using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Runtime;

namespace RnnOnnx.Tests.Triton;

/// <summary>
/// One sequence slot of Triton's sequence batcher over the ONNX Runtime backend, as Triton's core does it
/// (sequence_state.cc, sequence_batch_scheduler.cc): reads <c>config.pbtxt</c> (parsed by protoc) and the latest
/// version's <c>model.onnx</c>; each request has batch 1; on the START flag the states are rebuilt (zeros from
/// <c>initial_state</c>, or — with <see cref="GarbageOnStart"/> — NaN-free garbage, as without initial_state) and the
/// START control is 1, else 0; the k-th state output by sorted output name is fed back into the k-th state input by
/// sorted input name (server#8586's mechanism, not the configured pairing).
/// </summary>
internal sealed class TritonSequenceEmulator : IDisposable
{
    private readonly InferenceSession _session;
    private readonly Dictionary<string, float[]> _states = new(StringComparer.Ordinal);
    private readonly Random _random = new(5);

    public TritonSequenceEmulator(string modelDirectory)
    {
        Config = Protoc.Parse(File.ReadAllText(Path.Combine(modelDirectory, "config.pbtxt")));
        Assert.Equal(Path.GetFileName(modelDirectory), Config.Name);
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.SequenceBatching, Config.SchedulingChoiceCase);
        string latest = Directory.EnumerateDirectories(modelDirectory).Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit))
            .OrderBy(n => long.Parse(n!, System.Globalization.CultureInfo.InvariantCulture)).Last()!;
        _session = SessionFactory.Create(File.ReadAllBytes(Path.Combine(modelDirectory, latest, "model.onnx")), ExecutionProvider.Cpu, 1, _ => { }, out _);
    }

    public ModelConfig Config { get; }

    /// <summary>Fill states with random values instead of initial_state zeros on START (what Triton does without initial_state).</summary>
    public bool GarbageOnStart { get; init; }

    /// <summary>One request: the data input (float or int64, shape with batch 1 first); returns every config output.</summary>
    public Dictionary<string, float[]> Infer(string input, Array data, long[] shape, bool start)
    {
        Assert.Equal(1, shape[0]);
        var sequence = Config.SequenceBatching;
        if (start || _states.Count == 0)
        {
            Assert.True(start, "Triton refuses the first request of a sequence without the START flag");
            _states.Clear();
            foreach (var state in sequence.State)
            {
                var initial = new float[state.Dims.Aggregate(1L, (a, d) => a * d)];
                if (GarbageOnStart) for (int i = 0; i < initial.Length; i++) initial[i] = (float)(_random.NextDouble() * 20 - 10);
                else Assert.True(state.InitialState.Single().ZeroData);
                _states[state.InputName] = initial;
            }
        }
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            names.Add(input);
            values.Add(data switch
            {
                float[] f => OrtValue.CreateTensorValueFromMemory(f, shape),
                long[] l => OrtValue.CreateTensorValueFromMemory(l, shape),
                _ => throw new ArgumentException("float or int64 data", nameof(data)),
            });
            foreach (var control in sequence.ControlInput)
            {
                var c = control.Control.Single();
                Assert.Equal(ModelSequenceBatching.Types.Control.Types.Kind.ControlSequenceStart, c.Kind);
                names.Add(control.Name);
                values.Add(OrtValue.CreateTensorValueFromMemory(new[] { c.Fp32FalseTrue[start ? 1 : 0] }, [1, 1]));
            }
            foreach (var state in sequence.State)
            {
                names.Add(state.InputName);
                values.Add(OrtValue.CreateTensorValueFromMemory((float[])_states[state.InputName].Clone(), [1, .. state.Dims]));
            }
            var outputs = Config.Output.Select(o => o.Name).Concat(sequence.State.Select(s => s.OutputName)).ToArray();
            using var options = new RunOptions();
            using var results = _session.Run(options, names, values, outputs);
            var byName = outputs.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => results[p.i].GetTensorDataAsSpan<float>().ToArray(), StringComparer.Ordinal);
            // Triton's pairing: index in the sorted output-state names → same index in the sorted input-state names.
            var sortedInputs = sequence.State.Select(s => s.InputName).Order(StringComparer.Ordinal).ToList();
            var sortedOutputs = sequence.State.Select(s => s.OutputName).Order(StringComparer.Ordinal).ToList();
            for (int k = 0; k < sortedOutputs.Count; k++) _states[sortedInputs[k]] = byName[sortedOutputs[k]];
            return Config.Output.ToDictionary(o => o.Name, o => byName[o.Name], StringComparer.Ordinal);
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    public void Dispose() => _session.Dispose();
}
