using Google.Protobuf;
using Inference;
using RnnOnnx.Onnx.Triton;
using RnnOnnx.Tests.Triton;
using static Inference.ModelSequenceBatching.Types;

namespace RnnOnnx.Onnx.Tests.Triton;

/// <summary>The text-format printer, checked by protoc: printed text parses back (TextFormat, as Triton) to the same message.</summary>
public sealed class ProtoTextFormatTests
{
    private static void AssertRoundTrip(ModelConfig config)
    {
        string text = ProtoTextFormat.Print(config);
        var parsed = Protoc.Parse(text);
        Assert.True(config.Equals(parsed), $"round trip changed the message\nprinted:\n{text}\nparsed back:\n{parsed}\noriginal:\n{config}");
    }

    [Fact]
    public void Empty_message_prints_nothing_and_parses()
    {
        Assert.Equal("", ProtoTextFormat.Print(new ModelConfig()));
        AssertRoundTrip(new ModelConfig());
    }

    [Fact]
    public void Every_field_kind_round_trips_through_protoc()
    {
        var config = new ModelConfig
        {
            Name = "weird \"name\"\\ with\ttabs\nnewlines, 'quotes', é ü 漢字 🙂 and \u0001 control",
            Platform = "onnxruntime_onnx",
            Backend = "onnxruntime",
            Runtime = "",
            MaxBatchSize = -3,
            VersionPolicy = new ModelVersionPolicy { Specific = new ModelVersionPolicy.Types.Specific { Versions = { 1, 3, long.MaxValue } } },
            Input =
            {
                new ModelInput { Name = "x", DataType = DataType.TypeFp32, Dims = { -1, 40 }, AllowRaggedBatch = true },
                new ModelInput { Name = "n", DataType = DataType.TypeInt32, Dims = { 1 }, Reshape = new ModelTensorReshape(), Optional = true, Format = ModelInput.Types.Format.Nchw },
            },
            Output = { new ModelOutput { Name = "y", DataType = DataType.TypeBf16, Dims = { long.MinValue, 0, 7 }, LabelFilename = "labels.txt" } },
            SequenceBatching = new ModelSequenceBatching
            {
                MaxSequenceIdleMicroseconds = ulong.MaxValue,
                Oldest = new StrategyOldest { MaxCandidateSequences = 4, PreferredBatchSize = { 2, 4 }, PreserveOrdering = true },
                ControlInput =
                {
                    new ControlInput { Name = "START", Control = { new Control { Kind = Control.Types.Kind.ControlSequenceStart, Fp32FalseTrue = { 0f, 1f } } } },
                    new ControlInput { Name = "READY", Control = { new Control { Kind = Control.Types.Kind.ControlSequenceReady, BoolFalseTrue = { false, true } } } },
                    new ControlInput { Name = "END", Control = { new Control { Kind = Control.Types.Kind.ControlSequenceEnd, Int32FalseTrue = { 0, -1 } } } },
                    new ControlInput { Name = "CORRID", Control = { new Control { Kind = Control.Types.Kind.ControlSequenceCorrid, DataType = DataType.TypeUint64 } } },
                },
                State =
                {
                    new State
                    {
                        InputName = "state_in_00_h", OutputName = "state_out_00_h", DataType = DataType.TypeFp32, Dims = { 2, 64 },
                        InitialState = { new InitialState { DataType = DataType.TypeFp32, Dims = { 2, 64 }, ZeroData = false, Name = "zero" } },
                    },
                    new State
                    {
                        InputName = "c", OutputName = "c_next", DataType = DataType.TypeFp16, Dims = { 3 }, UseGrowableMemory = true,
                        InitialState = { new InitialState { DataType = DataType.TypeFp16, Dims = { 3 }, DataFile = "init.bin", Name = "from_file" } },
                    },
                },
            },
            InstanceGroup = { new ModelInstanceGroup { Name = "g", Kind = ModelInstanceGroup.Types.Kind.Cpu, Count = 2, Gpus = { 0, 1 }, Passive = true } },
            DefaultModelFilename = "model.onnx",
            CcModelFilenames = { ["7.5"] = "a.plan", ["10.0"] = "b.plan", [""] = "empty-key" },
            MetricTags = { ["b"] = "2", ["a"] = "1" },
            Parameters =
            {
                ["rnnonnx.config"] = new ModelParameter { StringValue = "{\"scale\":0.5,\"text\":\"line\\nbreak\"}" },
                ["empty"] = new ModelParameter(),
                ["z"] = new ModelParameter { StringValue = "last" },
            },
        };
        AssertRoundTrip(config);
    }

    [Fact]
    public void Floats_and_oneof_defaults_round_trip()
    {
        foreach (float f in new[] { 0f, -0f, 1e-45f, 0.1f, 1.0f / 3, 3.4028235e38f, float.PositiveInfinity, float.NegativeInfinity, 123456789f, -2.5e-7f })
        {
            var config = new ModelConfig
            {
                // A oneof member set to its default value is still set, and must be printed.
                DynamicBatching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = 0 },
                Optimization = new ModelOptimizationPolicy { Priority = ModelOptimizationPolicy.Types.ModelPriority.PriorityMax },
            };
            config.DynamicBatching.DefaultQueuePolicy = new ModelQueuePolicy { DefaultTimeoutMicroseconds = 5, AllowTimeoutOverride = true };
            var sequence = new ModelConfig { SequenceBatching = new ModelSequenceBatching { Direct = new StrategyDirect { MinimumSlotUtilization = f } } };
            AssertRoundTrip(config);
            AssertRoundTrip(sequence);
        }
        var empty = new ModelConfig { SequenceBatching = new ModelSequenceBatching { Direct = new StrategyDirect() } };
        Assert.Contains("direct { }", ProtoTextFormat.Print(empty), StringComparison.Ordinal);
        AssertRoundTrip(empty);
    }

    [Fact]
    public void Random_messages_round_trip()
    {
        var random = new Random(17);
        for (int n = 0; n < 25; n++)
        {
            var config = new ModelConfig { Name = RandomString(random), MaxBatchSize = random.Next(-5, 100) };
            for (int i = random.Next(4); i > 0; i--)
                config.Input.Add(new ModelInput { Name = RandomString(random), DataType = (DataType)random.Next(0, 15), Dims = { random.NextInt64(-1, 1000), random.NextInt64(long.MinValue, long.MaxValue) } });
            for (int i = random.Next(4); i > 0; i--) config.Parameters[RandomString(random)] = new ModelParameter { StringValue = RandomString(random) };
            if (random.Next(2) == 0) config.DynamicBatching = new ModelDynamicBatching { PreferredBatchSize = { random.Next(), random.Next() }, PriorityLevels = (ulong)random.NextInt64() };
            else config.SequenceBatching = new ModelSequenceBatching { Direct = new StrategyDirect { MinimumSlotUtilization = (float)random.NextDouble() * 1e-3f } };
            AssertRoundTrip(config);
        }
    }

    [Fact]
    public void Protoc_rejects_what_Triton_rejects()
    {
        Assert.NotEqual(0, Protoc.TryEncode("dynamic_batching { }\nsequence_batching { }\n").Exit);
        Assert.NotEqual(0, Protoc.TryEncode("input [ { name: \"x\" data_type: FP32 } ]\n").Exit);
        Assert.NotEqual(0, Protoc.TryEncode("bogus: 1\n").Exit);
    }

    private static string RandomString(Random random)
    {
        const string alphabet = "ab_.\"\\'\n\t é🙂{}[]:#";
        var chars = new List<string>();
        for (int i = random.Next(0, 12); i > 0; i--)
        {
            int k = random.Next(alphabet.Length);
            chars.Add(char.IsHighSurrogate(alphabet[k]) ? alphabet.Substring(k, 2) : char.IsLowSurrogate(alphabet[k]) ? "x" : alphabet[k].ToString());
        }
        return string.Concat(chars);
    }
}
