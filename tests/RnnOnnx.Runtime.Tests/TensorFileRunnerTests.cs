using System.Globalization;
using System.Text.Json;
using static RnnOnnx.Tests.TestModels;
using RnnOnnx.Runtime.Tensors;

namespace RnnOnnx.Runtime.Tests;

/// <summary>What <c>rnnonnx run</c> does: any model, tensors in and out as JSON.</summary>
public class TensorFileRunnerTests
{
    private static string Json(params (string Name, long[] Shape, IEnumerable<double> Data)[] tensors) =>
        JsonSerializer.Serialize(tensors.ToDictionary(t => t.Name, t => new { shape = t.Shape, data = t.Data }), NamedLiterals);

    private static readonly JsonSerializerOptions NamedLiterals = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static (long[] Shape, float[] Data) Tensor(JsonElement root, string name)
    {
        var t = root.GetProperty(name);
        return (t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                t.GetProperty("data").EnumerateArray().Select(d => d.ValueKind == JsonValueKind.String ? float.Parse(d.GetString()!, CultureInfo.InvariantCulture) : d.GetSingle()).ToArray());
    }

    [Fact]
    public void A_step_model_runs_from_files_and_every_output_is_written()
    {
        var x = Seeded.Floats(900, 2 * 4 * Features);
        string dir = Directory.CreateTempSubdirectory("rnnonnx-run-").FullName;
        try
        {
            string model = Path.Combine(dir, "m.onnx"), input = Path.Combine(dir, "in.json"), output = Path.Combine(dir, "out.json");
            File.WriteAllBytes(model, LstmStep);
            File.WriteAllText(input, Json(
                ("input", [2, 4, Features], x.Select(v => (double)v)),
                ("h_in_0", [2, Units], new double[2 * Units]),
                ("c_in_0", [2, Units], new double[2 * Units])));
            TensorFileRunner.Run(model, input, output);

            using var result = JsonDocument.Parse(File.ReadAllText(output));
            // The model's order of outputs: the exporter declares the states first.
            Assert.Equal(["h_out_0", "c_out_0", "output"], result.RootElement.EnumerateObject().Select(p => p.Name));
            var (shape, data) = Tensor(result.RootElement, "output");
            Assert.Equal([2L, 4, Width], shape);
            var expected = Lstm.Predict(new RnnOnnx.Tensor(x, 2, 4, Features));
            Outputs.Near(expected.Data, data, 1e-5f, "output");
            Assert.Equal([2L, Units], Tensor(result.RootElement, "h_out_0").Shape);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Numbers_round_trip_exactly_and_non_finite_values_are_named()
    {
        // The runner does not judge values, it shows them: NaN and infinity in, NaN and infinity out of a Dense model.
        var dense = new RnnOnnx.Training.Sequential(new RnnOnnx.Layers.Dense(2));
        dense.Build(new RnnOnnx.Layers.LayerShape(false, Features), seed: 3);
        var bytes = RnnOnnx.Onnx.OnnxExporter.Export(dense);
        float[] x = [0.1f, 1e-30f, 3, float.NaN, 2, 1, float.PositiveInfinity, 0, 0];
        using var result = JsonDocument.Parse(TensorFileRunner.Run(bytes, Json(("input", [3, Features], x.Select(v => (double)v)))));
        var written = result.RootElement.GetProperty("output").GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Number, written[0].ValueKind);
        Assert.Equal(["NaN", "NaN"], written.Skip(2).Take(2).Select(e => e.GetString()));
        Assert.Contains(written.Skip(4), e => e.ValueKind == JsonValueKind.String && e.GetString()!.EndsWith("Infinity", StringComparison.Ordinal));

        var expected = dense.Predict(new RnnOnnx.Tensor([0.1f, 1e-30f, 3], 1, Features));
        var (_, data) = Tensor(result.RootElement, "output");
        Outputs.Near(expected.Data, data[..2], 1e-6f, "finite row");
    }

    [Fact]
    public void Nested_data_and_integer_inputs_are_read()
    {
        string json = """{"input": {"shape": [1, 3], "data": [[1, 2, 10]]}, "sequence_lens": {"shape": [1], "data": [3]}}""";
        using var result = JsonDocument.Parse(TensorFileRunner.Run(TokensRagged, json));
        var expected = Tokens.Predict(new RnnOnnx.Tensor([1, 2, 10], 1, 3, 1));
        Outputs.Near(expected.Data, Tensor(result.RootElement, "output").Data, 1e-5f, "output");
    }

    [Theory]
    [InlineData("""{"input": {"shape": [1, 2, 3], "data": [1, 2, 3, 4, 5, 6]}}""", "lacks the model inputs h_in_0: float[batch, 8], c_in_0: float[batch, 8]")]
    [InlineData("""{"input": {"shape": [1, 2, 3], "data": [1, 2, 3, 4, 5, 6]}, "h_in_0": {"shape": [1, 8], "data": [0,0,0,0,0,0,0,0]}, "c_in_0": {"shape": [1, 8], "data": [0,0,0,0,0,0,0,0]}, "hidden": {"shape": [1], "data": [0]}}""", "gives tensor 'hidden', which is not an input of the model")]
    [InlineData("""{"input": {"shape": [1, 2, 4], "data": [1, 2, 3, 4, 5, 6, 7, 8]}, "h_in_0": {"shape": [1, 8], "data": [0,0,0,0,0,0,0,0]}, "c_in_0": {"shape": [1, 8], "data": [0,0,0,0,0,0,0,0]}}""", "tensor 'input': shape [1, 2, 4] does not fit the model's input: float[batch, time, 3]")]
    [InlineData("""{"input": {"shape": [1, 2, 3], "data": [1, 2, 3]}}""", "shape [1, 2, 3] holds 6 elements, but data has 3")]
    [InlineData("""{"input": {"shape": [1, 2, 3], "data": [1, 2, "x", 4, 5, 6]}}""", "data holds \"x\", which is not a number")]
    [InlineData("""{"input": [1, 2]}""", "must be {\"shape\": [dims], \"data\": [numbers]}")]
    [InlineData("""{"input": """, "is not valid JSON")]
    public void Bad_tensor_files_are_refused_saying_what_is_wrong(string json, string expected)
    {
        var e = Assert.Throws<DataException>(() => TensorFileRunner.Run(LstmStep, json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Fractional_token_ids_and_missing_files_are_refused()
    {
        string json = """{"input": {"shape": [1, 2], "data": [1, 2.5]}, "sequence_lens": {"shape": [1], "data": [2]}}""";
        Assert.Contains("element 1 is 2.5, not a whole number", Assert.Throws<DataException>(() => TensorFileRunner.Run(TokensRagged, json)).Message);
        Assert.Contains("cannot be read", Assert.Throws<ModelFileException>(() => TensorFileRunner.Run("/no/m.onnx", "/no/in.json", "/tmp/out.json")).Message);
        Assert.Throws<ExecutionProviderUnavailableException>(() => TensorFileRunner.Run(LstmFull, """{"input": {"shape": [1, 1, 3], "data": [1, 2, 3]}}""", ExecutionProvider.Cuda()));
    }
}
