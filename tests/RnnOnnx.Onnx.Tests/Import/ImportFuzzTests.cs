using System.Diagnostics;
using Google.Protobuf;
using RnnOnnx.Onnx.Proto;
using RnnOnnx.Tests;
using Xunit.Abstractions;

namespace RnnOnnx.Onnx.Tests.Import;

/// <summary>
/// Seeded mutations of valid models (bytes: bit flips, deletions, insertions, truncations; protobuf fields: dims,
/// attributes, op types, data types, removed initializers and nodes, rewired inputs, opsets) never make the importer
/// throw anything but an <see cref="RnnOnnxException"/>; a model it accepts also predicts without other errors.
/// RNNONNX_FUZZ_CASES and RNNONNX_FUZZ_SEED override the case count and seed for longer hunts.
/// </summary>
[Collection(TorchModelsGroup.Name)]
public sealed class ImportFuzzTests(TorchModels torch, ITestOutputHelper output)
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("RNNONNX_FUZZ_CASES"), out int n) ? n : 4000;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("RNNONNX_FUZZ_SEED"), out int s) ? s : 20240611;

    private static readonly string[] Operators =
    [
        "LSTM", "GRU", "RNN", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Tanh", "Sigmoid", "Softmax", "Gather", "Slice",
        "Squeeze", "Unsqueeze", "Concat", "Transpose", "Reshape", "Flatten", "Expand", "ConstantOfShape", "Shape", "Size", "Cast",
        "Identity", "Dropout", "Constant", "LogSoftmax", "Loop", "",
    ];

    private static readonly long[] Extremes = [0, 1, -1, 2, 3, 7, -2, 1L << 20, 1L << 31, 1L << 40, long.MaxValue, long.MinValue];

    [Fact]
    public void Mutated_models_fail_only_with_typed_errors()
    {
        var bases = new List<byte[]>
        {
            OnnxExporter.Export(ExportParityTests.Model("lstm")),
            OnnxExporter.Export(ExportParityTests.Model("bi-gru-last")),
            OnnxExporter.Export(ExportParityTests.Model("embedding-bi-gru"), new OnnxExportOptions { SequenceLengths = true }),
            OnnxExporter.Export(ExportParityTests.Model("stacked-mixed"), new OnnxExportOptions { Kind = OnnxGraphKind.Step }),
            OnnxExporter.Export(ExportParityTests.Model("dense-only"), new OnnxExportOptions { Opset = 14 }),
        };
        foreach (var name in new[] { "lstm-last-stacked", "gru-bi-full-timemajor", "lstm-reshape-head", "rnn-relu-bi-hn", "lstm-bi-hn", "embedding-lstm", "lstm-with-state" })
            bases.Add(torch.Load(name).Onnx);
        var protos = bases.Select(b => ModelProto.Parser.ParseFrom(b)).ToArray();

        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>();
        var escaped = new List<string>();
        int compared = 0;
        var clock = Stopwatch.StartNew();
        var lastCase = TimeSpan.Zero;
        for (int i = 0; i < Cases; i++)
        {
            int which = random.Next(bases.Count);
            var (bytes, mutation) = random.Next(2) == 0 ? MutateBytes(bases[which], random) : MutateProto(protos[which], random);
            if (random.Next(4) == 0 && TryParse(bytes) is { } once)
            {
                var (twice, second) = MutateProto(once, random); // compound: two field mutations
                (bytes, mutation) = (twice, mutation + " + " + second);
            }
            string outcome;
            try
            {
                var imported = OnnxImporter.Read(bytes);
                outcome = "imported";
                var predicted = TryPredict(imported);
                switch (CompareWithOnnxRuntime(bytes, imported, predicted))
                {
                    case null: break;
                    case float diff when diff <= 1e-4f: outcome = "imported, same as ONNX Runtime"; compared++; break;
                    case float diff:
                        outcome = "DIFFERS from ONNX Runtime";
                        if (escaped.Count < 10) escaped.Add($"case {i} (base {which}, {mutation}): accepted, but the trainer differs from ONNX Runtime by {diff:G3}");
                        break;
                }
            }
            catch (RnnOnnxException e)
            {
                outcome = e.GetType().Name;
            }
            catch (Exception e)
            {
                outcome = "ESCAPED " + e.GetType().Name;
                if (escaped.Count < 10) escaped.Add($"case {i} (base {which}, {mutation}): {e.GetType().Name}: {e.Message}\n{e.StackTrace?.Split('\n').FirstOrDefault()}");
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (clock.Elapsed - lastCase > TimeSpan.FromSeconds(1)) output.WriteLine($"slow case {i} (base {which}, {mutation}): {(clock.Elapsed - lastCase).TotalSeconds:F1} s, {outcome}");
            lastCase = clock.Elapsed;
        }
        clock.Stop();
        output.WriteLine($"{compared} accepted models compared with ONNX Runtime.");
        output.WriteLine($"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(escaped.Count == 0, string.Join("\n\n", escaped));
    }


    /// <summary>A model the importer accepted must run; only typed errors (e.g. a token id outside the vocabulary) may stop it.</summary>
    private static (Tensor Input, Tensor Output)? TryPredict(ImportedOnnxModel imported)
    {
        var model = imported.Model;
        if (model.ParameterCount > 1_000_000) return null;
        var shape = model.InputShape;
        var x = model.Layers[0] is Layers.Embedding
            ? TestData.Ids(5, ((Layers.Embedding)model.Layers[0]).InputDim, 2, 3)
            : shape.IsSequence ? TestData.Uniform(5, 1f, 2, 3, shape.Width) : TestData.Uniform(5, 1f, 2, shape.Width);
        return (x, model.Predict(x));
    }

    /// <summary>
    /// The differential check: when ONNX Runtime also runs the (mutated) model, it must compute what the imported
    /// trainer model computes. Null when it cannot be compared (ORT refuses the model, or it has state inputs).
    /// </summary>
    private static float? CompareWithOnnxRuntime(byte[] bytes, ImportedOnnxModel imported, (Tensor Input, Tensor Output)? predicted)
    {
        if (predicted is not var (x, y)) return null;
        // Flipped bits can make weights NaN or huge; their overflow is numerics, not mapping, so only compare sane weights.
        if (imported.Model.Parameters.Any(p => p.Value.Any(v => !(Math.Abs(v) < 100f)))) return null;
        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet();
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i => i.Name).ToList();
        if (inputs.Any(n => n != imported.InputName && n != imported.SequenceLengthsName)) return null;
        var onnxInput = imported.InputIsTimeMajor ? ImportChecks.SwapFirstAxes(x) : x;
        var feed = new Dictionary<string, object>
        {
            [imported.InputName] = imported.Model.Layers[0] is Layers.Embedding ? OrtRunner.Ids(onnxInput) : onnxInput,
        };
        if (imported.SequenceLengthsName is { } lengths) feed[lengths] = Enumerable.Repeat(x.Dim(1), x.Dim(0)).ToArray();
        Tensor ort;
        try
        {
            ort = OrtRunner.Run(bytes, feed)[imported.OutputName];
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException or ArgumentException or InvalidCastException)
        {
            return null; // ONNX Runtime refuses what the importer tolerates (e.g. a missing type): nothing to compare
        }
        var expected = imported.OutputIsTimeMajor ? ImportChecks.SwapFirstAxes(y) : y;
        if (ort.Data.Length != expected.Data.Length) return float.PositiveInfinity;
        float worst = 0;
        for (int k = 0; k < ort.Data.Length; k++)
            worst = Math.Max(worst, float.IsNaN(ort.Data[k]) && float.IsNaN(expected.Data[k]) ? 0 : Math.Abs(ort.Data[k] - expected.Data[k]) / Math.Max(1, Math.Abs(ort.Data[k])));
        return worst;
    }

    private static (byte[], string) MutateBytes(byte[] original, Random random)
    {
        var bytes = original.ToList();
        int kind = random.Next(6);
        switch (kind)
        {
            case 0:
                int flips = 1 + random.Next(4);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                return ([.. bytes], $"{flips} bit flips");
            case 1:
                int at = random.Next(bytes.Count), count = Math.Min(1 + random.Next(16), bytes.Count - at);
                bytes.RemoveRange(at, count);
                return ([.. bytes], $"{count} bytes deleted at {at}");
            case 2:
                var noise = new byte[1 + random.Next(16)];
                random.NextBytes(noise);
                int where = random.Next(bytes.Count + 1);
                bytes.InsertRange(where, noise);
                return ([.. bytes], $"{noise.Length} bytes inserted at {where}");
            case 3:
                int keep = random.Next(bytes.Count);
                return (original[..keep], $"truncated to {keep}");
            case 4:
                int pos = random.Next(bytes.Count);
                bytes[pos] = (byte)(random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => random.Next(256) });
                return ([.. bytes], $"byte {pos} overwritten");
            default:
                int from = random.Next(bytes.Count), length = Math.Min(1 + random.Next(64), bytes.Count - from);
                bytes.InsertRange(random.Next(bytes.Count), original.AsSpan(from, length).ToArray());
                return ([.. bytes], $"{length} bytes duplicated");
        }
    }

    private static (byte[], string) MutateProto(ModelProto original, Random random)
    {
        var model = original.Clone();
        var graph = model.Graph;
        if (graph is null || graph.Node.Count == 0) return (model.ToByteArray(), "nothing (no nodes)");
        if (model.OpsetImport.Count == 0) model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        string what;
        switch (random.Next(14))
        {
            case 0 when graph.Initializer.Count > 0:
                var tensor = Pick(graph.Initializer, random);
                if (tensor.Dims.Count > 0 && random.Next(4) > 0) tensor.Dims[random.Next(tensor.Dims.Count)] = Extreme(random);
                else if (tensor.Dims.Count > 0 && random.Next(2) == 0) tensor.Dims.RemoveAt(random.Next(tensor.Dims.Count));
                else tensor.Dims.Add(Extreme(random));
                what = $"dims of '{tensor.Name}'";
                break;
            case 1:
                var node = Pick(graph.Node, random);
                if (node.Attribute.Count == 0) { what = "nothing"; break; }
                var attribute = Pick(node.Attribute, random);
                switch (attribute.Type)
                {
                    case AttributeProto.Types.AttributeType.Int: attribute.I = random.Next(2) == 0 ? Extreme(random) : attribute.I + random.Next(-2, 3); break;
                    case AttributeProto.Types.AttributeType.Ints when attribute.Ints.Count > 0: attribute.Ints[random.Next(attribute.Ints.Count)] = Extreme(random); break;
                    case AttributeProto.Types.AttributeType.Float: attribute.F = random.Next(2) == 0 ? float.NaN : attribute.F * 2; break;
                    case AttributeProto.Types.AttributeType.String: attribute.S = ByteString.CopyFromUtf8(random.Next(3) switch { 0 => "reverse", 1 => "bidirectional", _ => "" }); break;
                    case AttributeProto.Types.AttributeType.Strings when attribute.Strings.Count > 0: attribute.Strings[random.Next(attribute.Strings.Count)] = ByteString.CopyFromUtf8("Relu"); break;
                    case AttributeProto.Types.AttributeType.Tensor when attribute.T is { } t && t.Dims.Count > 0: t.Dims[0] = Extreme(random); break;
                    default: attribute.Type = (AttributeProto.Types.AttributeType)random.Next(15); break;
                }
                what = $"attribute '{attribute.Name}' of '{node.Name}'";
                break;
            case 2:
                var renamed = Pick(graph.Node, random);
                renamed.OpType = Operators[random.Next(Operators.Length)];
                what = $"op type of '{renamed.Name}' → {renamed.OpType}";
                break;
            case 3 when graph.Initializer.Count > 0:
                var removed = Pick(graph.Initializer, random);
                graph.Initializer.Remove(removed);
                what = $"initializer '{removed.Name}' removed";
                break;
            case 4:
                var dropped = Pick(graph.Node, random);
                graph.Node.Remove(dropped);
                what = $"node '{dropped.Name}' removed";
                break;
            case 5:
                var rewired = Pick(graph.Node, random);
                var names = graph.Input.Select(v => v.Name).Concat(graph.Initializer.Select(t => t.Name)).Concat(graph.Node.SelectMany(n => n.Output)).Append("").ToArray();
                if (rewired.Input.Count == 0) { what = "nothing"; break; }
                int slot = random.Next(rewired.Input.Count);
                rewired.Input[slot] = names[random.Next(names.Length)];
                what = $"input {slot} of '{rewired.Name}' rewired to '{rewired.Input[slot]}'";
                break;
            case 6 when graph.Node.Count > 1:
                int a = random.Next(graph.Node.Count), b = random.Next(graph.Node.Count);
                (graph.Node[a], graph.Node[b]) = (graph.Node[b], graph.Node[a]);
                what = $"nodes {a} and {b} swapped";
                break;
            case 7 when graph.Initializer.Count > 0:
                var retyped = Pick(graph.Initializer, random);
                retyped.DataType = random.Next(18);
                what = $"data type of '{retyped.Name}' → {retyped.DataType}";
                break;
            case 8 when graph.Initializer.Count > 0:
                var cut = Pick(graph.Initializer, random);
                if (!cut.RawData.IsEmpty) cut.RawData = ByteString.CopyFrom(cut.RawData.Span[..random.Next(cut.RawData.Length)]);
                else if (cut.Int64Data.Count > 0) cut.Int64Data.RemoveAt(0);
                else cut.FloatData.Add(1f);
                what = $"data of '{cut.Name}' cut";
                break;
            case 9 when graph.Input.Count > 0:
                var input = Pick(graph.Input, random);
                var type = input.Type?.TensorType;
                if (type is null) { what = "nothing"; break; }
                if (random.Next(2) == 0) type.ElemType = random.Next(17);
                else if (type.Shape is { Dim.Count: > 0 } shape) shape.Dim[random.Next(shape.Dim.Count)] = new TensorShapeProto.Types.Dimension { DimValue = Extreme(random) };
                else type.Shape = null;
                what = $"type of input '{input.Name}'";
                break;
            case 10:
                model.OpsetImport[0].Version = random.Next(26);
                what = $"opset {model.OpsetImport[0].Version}";
                break;
            case 11:
                if (random.Next(2) == 0 && graph.Output.Count > 0) graph.Output.RemoveAt(random.Next(graph.Output.Count));
                else graph.Output.Add(new ValueInfoProto { Name = Pick(graph.Node, random).Output.FirstOrDefault() ?? "x" });
                what = "outputs changed";
                break;
            case 12:
                var stripped = Pick(graph.Node, random);
                if (stripped.Attribute.Count > 0) stripped.Attribute.RemoveAt(random.Next(stripped.Attribute.Count));
                what = $"attribute of '{stripped.Name}' removed";
                break;
            default:
                var extra = Pick(graph.Node, random);
                extra.Input.Add(graph.Node[random.Next(graph.Node.Count)].Output.FirstOrDefault() ?? "");
                what = $"input added to '{extra.Name}'";
                break;
        }
        return (model.ToByteArray(), what);
    }

    private static ModelProto? TryParse(byte[] bytes)
    {
        try { return ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException) { return null; }
    }

    private static T Pick<T>(IList<T> items, Random random) => items[random.Next(items.Count)];

    private static long Extreme(Random random) => Extremes[random.Next(Extremes.Length)];
}
