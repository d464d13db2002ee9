using Google.Protobuf;
using Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnOnnx.Onnx.Proto;
using RnnOnnx.Onnx.Triton;
using RnnOnnx.Runtime;
using RnnOnnx.Tests.Triton;

namespace RnnOnnx.Onnx.Tests.Triton;

/// <summary>
/// Every exported configuration parses with protoc against Triton's schema, equals the message we built, and passes
/// the ONNX Runtime backend's load-time rules against the graph ONNX Runtime actually loads.
/// </summary>
public sealed class TritonExportTests
{
    public static TheoryData<string> Models => ["lstm-full", "lstm-step", "lstm-step-ragged", "gru-last-ragged", "tokens-ragged", "shipped-forecast", "shipped-textgen", "shipped-caption"];

    private static byte[] Model(string name) => name switch
    {
        "lstm-full" => TestModels.LstmFull,
        "lstm-step" => TestModels.LstmStep,
        "lstm-step-ragged" => TestModels.LstmStepRagged,
        "gru-last-ragged" => TestModels.GruLastRagged,
        "tokens-ragged" => TestModels.TokensRagged,
        "shipped-forecast" => File.ReadAllBytes(Repository.File("models", "forecast", "airpassengers.onnx")),
        "shipped-textgen" => File.ReadAllBytes(Repository.File("models", "textgen", "kjv-char.onnx")),
        "shipped-caption" => File.ReadAllBytes(Repository.File("models", "caption", "captioner.onnx")),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Config_parses_with_protoc_and_passes_the_backend_load_rules(string name)
    {
        var model = TritonExporter.Build(Model(name), name);
        var parsed = Protoc.Parse(model.ConfigText);
        Assert.Equal(model.Config, parsed);
        Assert.Equal(name, parsed.Name);
        Assert.Equal("onnxruntime", parsed.Backend);
        var graph = ModelProto.Parser.ParseFrom(model.Onnx).Graph;
        Assert.Empty(TritonConfigCheck.Problems(parsed, graph));

        // What ONNX Runtime loads agrees: every config input, control and state is a session input, and nothing else is.
        using var session = SessionFactory.Create(model.Onnx, ExecutionProvider.Cpu, 1, _ => { }, out _);
        var expected = parsed.Input.Select(i => i.Name)
            .Concat(parsed.SequenceBatching?.ControlInput.Select(c => c.Name) ?? [])
            .Concat(parsed.SequenceBatching?.State.Select(s => s.InputName) ?? []).Order(StringComparer.Ordinal);
        Assert.Equal(expected, session.InputMetadata.Keys.Order(StringComparer.Ordinal));
        foreach (var output in parsed.Output.Select(o => o.Name).Concat(parsed.SequenceBatching?.State.Select(s => s.OutputName) ?? []))
            Assert.Contains(output, session.OutputMetadata.Keys);

        bool step = name.Contains("step", StringComparison.Ordinal) || name is "shipped-forecast" or "shipped-textgen" or "shipped-caption";
        Assert.Equal(step ? TritonModelKind.Step : TritonModelKind.Sequence, model.Kind);
        if (step)
        {
            var sequence = parsed.SequenceBatching;
            Assert.NotNull(sequence);
            var start = Assert.Single(sequence.ControlInput);
            Assert.Equal("START", start.Name);
            Assert.Equal([0f, 1f], start.Control.Single().Fp32FalseTrue);
            Assert.Equal([-1L, 1], session.InputMetadata["START"].Dimensions.Select(d => (long)d));
            Assert.Equal(TensorElementType.Float, session.InputMetadata["START"].ElementDataType);
            foreach (var state in sequence.State)
            {
                Assert.Matches("^state_in_[0-9]{2}_[hc]$", state.InputName);
                Assert.Equal(state.InputName.Replace("state_in_", "state_out_", StringComparison.Ordinal), state.OutputName);
                Assert.Equal(-1, session.InputMetadata[state.InputName].Dimensions[0]);
                Assert.Equal(state.Dims, session.InputMetadata[state.InputName].Dimensions.Skip(1).Select(d => (long)d));
                Assert.Equal(state.Dims, state.InitialState.Single().Dims);
                Assert.True(state.InitialState.Single().ZeroData);
            }
            // server#8586: the same order whether sorted by input or by output name.
            Assert.Equal(sequence.State.OrderBy(s => s.InputName, StringComparer.Ordinal), sequence.State.OrderBy(s => s.OutputName, StringComparer.Ordinal));
            Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.SequenceBatching, parsed.SchedulingChoiceCase);
        }
        else
        {
            Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.DynamicBatching, parsed.SchedulingChoiceCase);
            Assert.Equal(model.Onnx, Model(name));
        }
        // Our metadata goes along as namespaced parameters.
        var metadata = ModelProto.Parser.ParseFrom(model.Onnx).MetadataProps.Where(p => p.Key.StartsWith("rnnonnx.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(metadata);
        foreach (var entry in metadata) Assert.Equal(entry.Value, parsed.Parameters[entry.Key].StringValue);
    }

    [Fact]
    public void Full_sequence_config_has_variable_time_axis_without_the_batch_dim()
    {
        var config = Protoc.Parse(TritonExporter.Build(TestModels.LstmFull, "m", new TritonExportOptions { MaxBatchSize = 4 }).ConfigText);
        Assert.Equal(4, config.MaxBatchSize);
        Assert.Equal([-1L, TestModels.Features], config.Input.Single().Dims);
        Assert.Equal([-1L, TestModels.Width], config.Output.Single().Dims);
        Assert.Equal(DataType.TypeFp32, config.Input.Single().DataType);
        var unbatched = Protoc.Parse(TritonExporter.Build(TestModels.LstmFull, "m", new TritonExportOptions { MaxBatchSize = 0 }).ConfigText);
        Assert.Equal([-1L, -1, TestModels.Features], unbatched.Input.Single().Dims);
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.None, unbatched.SchedulingChoiceCase);
        var ragged = Protoc.Parse(TritonExporter.Build(TestModels.GruLastRagged, "m").ConfigText);
        var lengths = ragged.Input.Single(i => i.Name == OnnxExporter.SequenceLengthsName);
        Assert.Equal([1L], lengths.Dims);
        Assert.Empty(lengths.Reshape.Shape);
        Assert.Equal(DataType.TypeInt32, lengths.DataType);
        Assert.Equal([(long)TestModels.Width], ragged.Output.Single().Dims);
    }

    [Fact]
    public void Check_finds_what_Triton_would_reject()
    {
        var model = TritonExporter.Build(File.ReadAllBytes(Repository.File("models", "textgen", "kjv-char.onnx")), "kjv");
        var graph = ModelProto.Parser.ParseFrom(model.Onnx).Graph;
        string Problem(Action<ModelConfig> edit)
        {
            var config = model.Config.Clone();
            edit(config);
            return string.Join("\n", TritonConfigCheck.Problems(config, graph));
        }
        Assert.Contains("server#8586", Problem(c => { c.SequenceBatching.State[0].OutputName = "a_h"; c.SequenceBatching.State[1].OutputName = "z_c"; }), StringComparison.Ordinal);
        Assert.Contains("expects 5 inputs, model provides 4", Problem(c => c.Input.Add(new ModelInput { Name = "START", DataType = DataType.TypeFp32, Dims = { 1 } })), StringComparison.Ordinal);
        Assert.Contains("expects 3 inputs", Problem(c => c.SequenceBatching.State.RemoveAt(1)), StringComparison.Ordinal);
        Assert.Contains("model configuration specifies data-type TYPE_BOOL", Problem(c =>
        {
            var control = c.SequenceBatching.ControlInput[0].Control[0];
            control.Fp32FalseTrue.Clear();
            control.BoolFalseTrue.Add([false, true]);
        }), StringComparison.Ordinal);
        Assert.Contains("datatype TYPE_INT32 for input 'input'", Problem(c => c.Input[0].DataType = DataType.TypeInt32), StringComparison.Ordinal);
        Assert.Contains("do not match", Problem(c => c.Output[0].Dims[1] = 71), StringComparison.Ordinal);
        Assert.Contains("is not a graph input", Problem(c => c.SequenceBatching.State[0].InputName = "h_in_0"), StringComparison.Ordinal);
        Assert.Contains("has no name", Problem(c => c.SequenceBatching.State[0].InitialState[0].Name = ""), StringComparison.Ordinal);
        Assert.Contains("-1 dimension", Problem(c => c.SequenceBatching.State[0].InitialState[0].Dims[0] = -1), StringComparison.Ordinal);
        Assert.Contains("exactly one of", Problem(c => c.SequenceBatching.ControlInput[0].Control[0].Fp32FalseTrue.Add(2f)), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_resets_the_state_inside_the_graph()
    {
        var original = File.ReadAllBytes(Repository.File("models", "textgen", "kjv-char.onnx"));
        var model = TritonExporter.Build(original, "kjv");
        using var plain = SessionFactory.Create(original, ExecutionProvider.Cpu, 1, _ => { }, out _);
        using var triton = SessionFactory.Create(model.Onnx, ExecutionProvider.Cpu, 1, _ => { }, out _);
        var random = new Random(3);
        // Two rows in one batch: row 0 starts (garbage state must be ignored), row 1 continues from its state.
        var h = Enumerable.Range(0, 2 * 256).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        var c = Enumerable.Range(0, 2 * 256).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        long[] ids = [5, 9, 7, 9];
        var expectedH = (float[])h.Clone();
        var expectedC = (float[])c.Clone();
        Array.Clear(expectedH, 0, 256);
        Array.Clear(expectedC, 0, 256);
        var want = Run(plain, ["input", "h_in_0", "c_in_0"], [ids, expectedH, expectedC], ["output", "h_out_0", "c_out_0"]);
        var got = Run(triton, ["input", "state_in_00_h", "state_in_00_c", "START"], [ids, h, c, new float[] { 1, 0 }], ["output", "state_out_00_h", "state_out_00_c"]);
        for (int i = 0; i < 3; i++) Assert.Equal(want[i], got[i]);
    }

    private static float[][] Run(InferenceSession session, string[] names, Array[] data, string[] outputs)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var (name, array) in names.Zip(data))
            {
                values.Add(array switch
                {
                    long[] l => OrtValue.CreateTensorValueFromMemory(l, [2, l.Length / 2]),
                    float[] f => OrtValue.CreateTensorValueFromMemory(f, [2, f.Length / 2]),
                    _ => throw new ArgumentException(name),
                });
            }
            using var options = new RunOptions();
            using var results = session.Run(options, names, values, outputs);
            return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    [Fact]
    public void Repository_gets_versions_written_as_a_unit()
    {
        string repo = Path.Combine(Path.GetTempPath(), $"rnnonnx-triton-{Guid.NewGuid():N}");
        try
        {
            var first = TritonExporter.Export(TestModels.LstmStep, repo, new TritonExportOptions { Name = "lstm" });
            Assert.Equal(1, first.Version);
            Assert.Equal(Path.Combine(repo, "lstm", "1", "model.onnx"), first.ModelPath);
            var second = TritonExporter.Export(TestModels.LstmStep, repo, new TritonExportOptions { Name = "lstm", MaxBatchSize = 2 });
            Assert.Equal(2, second.Version);
            Assert.True(File.Exists(Path.Combine(repo, "lstm", "1", "model.onnx")), "earlier versions are kept");
            Assert.True(File.Exists(second.ModelPath));
            Assert.Equal(2, Protoc.Parse(File.ReadAllText(second.ConfigPath)).MaxBatchSize);
            Assert.Equal(["lstm"], Directory.EnumerateFileSystemEntries(repo).Select(Path.GetFileName));

            // Failures leave the repository as it was: a broken model, a bad name, a step model without batching.
            Assert.Throws<ModelFileException>(() => TritonExporter.Export([1, 2, 3], repo, new TritonExportOptions { Name = "broken" }));
            Assert.Throws<ArgumentException>(() => TritonExporter.Export(TestModels.LstmStep, repo, new TritonExportOptions { Name = "../escape" }));
            Assert.Throws<ArgumentException>(() => TritonExporter.Export(TestModels.LstmStep, repo, new TritonExportOptions { Name = "lstm", MaxBatchSize = 0 }));
            Assert.Equal(["lstm"], Directory.EnumerateFileSystemEntries(repo).Select(Path.GetFileName));
            Assert.Equal(["1", "2", "config.pbtxt"], Directory.EnumerateFileSystemEntries(Path.Combine(repo, "lstm")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            if (Directory.Exists(repo)) Directory.Delete(repo, true);
        }
    }

    [Fact]
    public void Replayed_as_Triton_would_the_step_graph_matches_our_step_model()
    {
        string repo = Path.Combine(Path.GetTempPath(), $"rnnonnx-triton-{Guid.NewGuid():N}");
        try
        {
            var result = TritonExporter.Export(TestModels.LstmStep, repo, new TritonExportOptions { Name = "lstm" });
            using var triton = new TritonSequenceEmulator(result.Directory) { GarbageOnStart = true };
            using var plain = SessionFactory.Create(TestModels.LstmStep, ExecutionProvider.Cpu, 1, _ => { }, out _);
            var random = new Random(9);
            var steps = Enumerable.Range(0, 2 * TestModels.Steps).Select(_ => Enumerable.Range(0, TestModels.Features).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
            for (int restart = 0; restart < 2; restart++)
            {
                var h = new float[TestModels.Units];
                var c = new float[TestModels.Units];
                for (int t = 0; t < steps.Length; t++)
                {
                    var want = Run1(plain, steps[t], ref h, ref c);
                    var got = triton.Infer("input", steps[t], [1, 1, TestModels.Features], start: t == 0);
                    Assert.Equal(want, got["output"]);
                }
            }
        }
        finally
        {
            if (Directory.Exists(repo)) Directory.Delete(repo, true);
        }
    }

    private static float[] Run1(InferenceSession session, float[] step, ref float[] h, ref float[] c)
    {
        using var x = OrtValue.CreateTensorValueFromMemory(step, [1, 1, step.Length]);
        using var hIn = OrtValue.CreateTensorValueFromMemory(h, [1, h.Length]);
        using var cIn = OrtValue.CreateTensorValueFromMemory(c, [1, c.Length]);
        using var options = new RunOptions();
        using var results = session.Run(options, ["input", "h_in_0", "c_in_0"], [x, hIn, cIn], ["output", "h_out_0", "c_out_0"]);
        h = results[1].GetTensorDataAsSpan<float>().ToArray();
        c = results[2].GetTensorDataAsSpan<float>().ToArray();
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
