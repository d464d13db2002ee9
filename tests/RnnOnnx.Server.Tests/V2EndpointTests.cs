using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RnnOnnx.Forecasting.Training;
using RnnOnnx.Runtime.Tensors;

namespace RnnOnnx.Server.Tests;

/// <summary>The Open Inference Protocol (KServe v2 REST) endpoints, as Triton answers them.</summary>
[Collection(SharedModelFolder.Name)]
public sealed class V2EndpointTests(ModelFolder folder)
{
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static StringContent Infer(string input, long[] shape, string datatype, IEnumerable<string> data, string? parameters = null) =>
        Json($$"""{{{(parameters is null ? "" : $"\"parameters\": {parameters}, ")}}"inputs": [{"name": "{{input}}", "shape": [{{string.Join(",", shape)}}], "datatype": "{{datatype}}", "data": [{{string.Join(",", data)}}]}]}""");

    [Fact]
    public async Task Server_metadata_health_model_metadata_and_readiness_answer_as_the_protocol_says()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var server = await ReadJsonAsync(await client.GetAsync("/v2"));
        Assert.Equal("rnnonnx", server.GetProperty("name").GetString());
        Assert.Contains("sequence", server.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        foreach (string path in new[] { "/v2/health/live", "/v2/health/ready", "/v2/models/air/ready", "/v2/models/air/versions/1/ready" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }
        foreach (string path in new[] { "/v2/models/air", "/v2/models/air/versions/1" })
        {
            var meta = await ReadJsonAsync(await client.GetAsync(path));
            Assert.Equal("air", meta.GetProperty("name").GetString());
            Assert.Equal(["1"], meta.GetProperty("versions").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("onnxruntime_onnx", meta.GetProperty("platform").GetString());
            var input = meta.GetProperty("inputs")[0];
            Assert.Equal("FP32", input.GetProperty("datatype").GetString());
            Assert.Equal([-1, -1, 1], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            // The step model's state inputs are the server's business, not the client's.
            Assert.Equal(1, meta.GetProperty("inputs").GetArrayLength());
        }
        var plain = await ReadJsonAsync(await client.GetAsync("/v2/models/plain"));
        Assert.Equal("INT64", plain.GetProperty("inputs")[0].GetProperty("datatype").GetString());
        await AssertV2ErrorAsync(await client.GetAsync("/v2/models/nope"), HttpStatusCode.NotFound, "Request for unknown model: 'nope' is not found");
        await AssertV2ErrorAsync(await client.GetAsync("/v2/models/air/versions/7"), HttpStatusCode.NotFound, "'air' version 7 is not found");
        await AssertV2ErrorAsync(await client.GetAsync("/v2/models/nope/ready"), HttpStatusCode.NotFound, "nope");
        await AssertV2ErrorAsync(await client.GetAsync("/v2/models/junk"), HttpStatusCode.NotFound, "has no available versions");
        await AssertV2ErrorAsync(await client.GetAsync("/v2/nothing/here"), HttpStatusCode.NotFound, "no endpoint");
    }

    [Fact]
    public async Task A_sequence_of_v2_infer_calls_with_a_sequence_id_reproduces_the_v1_stream_forecasts_exactly()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var model = folder.Forecaster;
        var series = ModelFolder.Series(90);
        var history = series[..80];
        string Values(IEnumerable<double> v) => $"{{\"values\": [{string.Join(", ", v.Select(F))}]}}";
        var v1 = await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/s/observe", Json(Values(history))));

        // The client's side of the engine: the model's scaling, and the step graph run by the server through /v2.
        var prepared = model.Prepare(history, "");
        var scaler = prepared.Scaler;
        var context = ForecastWindows.Context(prepared.Adjusted, prepared.Adjusted.Length - 1, model.WindowSize, scaler.Scale);
        double[] levels = [model.ConfidenceLevel];
        async Task<float[]> StepAsync(float[] steps, bool start)
        {
            string parameters = $"{{\"sequence_id\": 7, \"sequence_start\": {(start ? "true" : "false")}}}";
            var answer = await ReadJsonAsync(await client.PostAsync("/v2/models/air/infer",
                Infer("input", [1, steps.Length, 1], "FP32", steps.Select(s => F(s)), parameters)));
            var output = answer.GetProperty("outputs")[0];
            Assert.Equal("FP32", output.GetProperty("datatype").GetString());
            var data = Floats(output.GetProperty("data"));
            var shape = output.GetProperty("shape"); long width = shape[shape.GetArrayLength() - 1].GetInt64();
            return data[^(int)width..][^model.Horizon..];
        }
        var forecast = model.Decode(await StepAsync(context, start: true), prepared, null, null, levels);
        Assert.Equal(Floats(v1.GetProperty("forecast")), forecast.Forecast);
        foreach (double observation in series[80..])
        {
            v1 = await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/s/observe", Json(Values([observation]))));
            // The adjusted value: the transformed observation minus the seasonal profile at its time index.
            double next = scaler.Forward(observation) - prepared.Seasonal(prepared.Next);
            var output = await StepAsync([(float)((next - prepared.LastAdjusted) / scaler.Scale)], start: false);
            prepared = prepared with { Adjusted = [next], Next = prepared.Next + 1 };
            forecast = model.Decode(output, prepared, null, null, levels);
            Assert.Equal(Floats(v1.GetProperty("forecast")), forecast.Forecast);
            Assert.Equal(Floats(v1.GetProperty("lower")), forecast.Lower);
        }
    }

    [Fact]
    public async Task Infer_on_a_full_model_equals_onnx_runtime_with_flat_or_nested_data()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        long[] ids = [1, 2, 3, 4, 2, 1];
        using var runner = new TensorRunner(File.ReadAllBytes(folder.File("plain")));
        var expected = JsonDocument.Parse(runner.Run($"{{\"input\": {{\"shape\": [2, 3], \"data\": [{string.Join(",", ids)}]}}}}")).RootElement;
        var flat = await ReadJsonAsync(await client.PostAsync("/v2/models/plain/infer",
            Json("""{"id": "r-1", "inputs": [{"name": "input", "shape": [2, 3], "datatype": "INT64", "data": [1, 2, 3, 4, 2, 1]}]}""")));
        var nested = await ReadJsonAsync(await client.PostAsync("/v2/models/plain/versions/1/infer",
            Json("""{"inputs": [{"name": "input", "shape": [2, 3], "datatype": "INT64", "data": [[1, 2, 3], [4, 2, 1]]}], "outputs": [{"name": "output"}]}""")));
        Assert.Equal("plain", flat.GetProperty("model_name").GetString());
        Assert.Equal("1", flat.GetProperty("model_version").GetString());
        Assert.Equal("r-1", flat.GetProperty("id").GetString());
        Assert.False(nested.TryGetProperty("id", out _));
        foreach (var answer in new[] { flat, nested })
        {
            var output = answer.GetProperty("outputs")[0];
            string name = output.GetProperty("name").GetString()!;
            Assert.Equal(expected.GetProperty(name).GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal(Floats(expected.GetProperty(name).GetProperty("data")), Floats(output.GetProperty("data")));
        }
    }

    [Fact]
    public async Task Sequence_end_frees_the_state_and_an_idle_sequence_expires()
    {
        var time = new FakeTimeProvider();
        using var factory = new ServerFactory(folder.Path, o => o.SequenceIdleTimeout = TimeSpan.FromMinutes(1), time);
        using var client = factory.CreateClient();
        StringContent Step(string parameters) => Infer("input", [1, 1, 1], "FP32", ["0.5"], parameters);
        await ReadJsonAsync(await client.PostAsync("/v2/models/air/infer", Step("""{"sequence_id": "u-1", "sequence_start": true}""")));
        var first = await ReadJsonAsync(await client.PostAsync("/v2/models/air/infer", Step("""{"sequence_id": "u-1", "sequence_end": true}""")));
        await AssertV2ErrorAsync(await client.PostAsync("/v2/models/air/infer", Step("""{"sequence_id": "u-1"}""")), HttpStatusCode.BadRequest,
            "inference request for sequence u-1 to model 'air' must specify the START flag on the first request of the sequence");
        // A restarted sequence starts from zero state again: its second step equals the first sequence's.
        await ReadJsonAsync(await client.PostAsync("/v2/models/air/infer", Step("""{"sequence_id": "u-1", "sequence_start": true}""")));
        var again = await ReadJsonAsync(await client.PostAsync("/v2/models/air/infer", Step("""{"sequence_id": "u-1"}""")));
        Assert.Equal(Floats(first.GetProperty("outputs")[0].GetProperty("data")), Floats(again.GetProperty("outputs")[0].GetProperty("data")));
        time.Advance(TimeSpan.FromMinutes(2));
        await AssertV2ErrorAsync(await client.PostAsync("/v2/models/air/infer", Step("""{"sequence_id": "u-1"}""")), HttpStatusCode.BadRequest, "must specify the START flag");
    }

    public static TheoryData<string, string, HttpStatusCode, string> Corpus => new()
    {
        // path, body, expected status, what the error must mention
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 1, "sequence_start": true}, "inputs": [{"name": "input", "shape": [1, 1, 1], "datatype": "INT64", "data": [1]}]}""", HttpStatusCode.BadRequest, "data-type is 'INT64', but model 'air' expects 'FP32'" },
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 1, "sequence_start": true}, "inputs": [{"name": "input", "shape": [1, 1, 2], "datatype": "FP32", "data": [1, 2]}]}""", HttpStatusCode.BadRequest, "unexpected shape for input 'input'" },
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 1, "sequence_start": true}, "inputs": [{"name": "input", "shape": [1, 2, 1], "datatype": "FP32", "data": [1]}]}""", HttpStatusCode.BadRequest, "unexpected number of elements" },
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 1, "sequence_start": true}, "inputs": [{"name": "input", "shape": [2, 1, 1], "datatype": "FP32", "data": [1, 2]}]}""", HttpStatusCode.BadRequest, "batch-size 1" },
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 1, "sequence_start": true}, "inputs": [{"name": "input", "shape": [1, 1, 1], "datatype": "FP32", "data": ["x"]}]}""", HttpStatusCode.BadRequest, "not a number" },
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 1, "sequence_start": "yes"}, "inputs": [{"name": "input", "shape": [1, 1, 1], "datatype": "FP32", "data": [1]}]}""", HttpStatusCode.BadRequest, "Unable to parse 'sequence_start'" },
        { "/v2/models/air/infer", """{"inputs": [{"name": "input", "shape": [1, 1, 1], "datatype": "FP32", "data": [1]}]}""", HttpStatusCode.BadRequest, "must specify a non-zero or non-empty correlation ID" },
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 999}, "inputs": [{"name": "input", "shape": [1, 1, 1], "datatype": "FP32", "data": [1]}]}""", HttpStatusCode.BadRequest, "inference request for sequence 999 to model 'air' must specify the START flag on the first request of the sequence" },
        { "/v2/models/air/infer", """{"parameters": {"sequence_id": 1, "sequence_start": true}, "inputs": [{"name": "h_in_0", "shape": [1, 8], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7, 8]}]}""", HttpStatusCode.BadRequest, "unexpected inference input 'h_in_0'" },
        { "/v2/models/air/infer", """{"inputs": []}""", HttpStatusCode.BadRequest, "expected 1 inputs but got 0" },
        { "/v2/models/air/infer", """{"inputs": [{"name": "input", "shape": [1, 1, 1], "datatype": "FP32", "data": [1]}], "outputs": [{"name": "nope"}]}""", HttpStatusCode.BadRequest, "unexpected inference output 'nope'" },
        { "/v2/models/air/infer", """{"inputs": [{"name": "input", "shape": [1, 1, 1], "datatype": "FP16", "data": [1]}]}""", HttpStatusCode.BadRequest, "data-type is 'FP16'" },
        { "/v2/models/air/infer", """{"inputs": {"name": "input"}}""", HttpStatusCode.BadRequest, "'inputs' array" },
        { "/v2/models/air/infer", """[1, 2]""", HttpStatusCode.BadRequest, "JSON object" },
        { "/v2/models/air/infer", """{"inputs": [""", HttpStatusCode.BadRequest, "failed to parse the request JSON" },
        { "/v2/models/air/infer", "", HttpStatusCode.BadRequest, "failed to parse" },
        { "/v2/models/plain/infer", """{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "INT64", "data": [1.5, 2]}]}""", HttpStatusCode.BadRequest, "not a whole number" },
        { "/v2/models/plain/infer", """{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "INT64", "data": [99999, 2]}]}""", HttpStatusCode.BadRequest, "cannot run these inputs" },
        { "/v2/models/air/versions/3/infer", """{"inputs": []}""", HttpStatusCode.NotFound, "'air' version 3 is not found" },
        { "/v2/models/air/versions/x1/infer", """{"inputs": []}""", HttpStatusCode.NotFound, "version x1 is not found" },
        { "/v2/models/nope/infer", """{"inputs": []}""", HttpStatusCode.NotFound, "Request for unknown model: 'nope' is not found" },
        { "/v2/models/junk/infer", """{"inputs": []}""", HttpStatusCode.NotFound, "has no available versions" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_malformed_v2_request_gets_a_4xx_error_body_and_the_server_keeps_serving(string path, string body, HttpStatusCode status, string mentions)
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        await AssertV2ErrorAsync(await client.PostAsync(path, Json(body)), status, mentions);
        await ReadJsonAsync(await client.PostAsync("/v2/models/plain/infer", Json("""{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "INT64", "data": [1, 2]}]}""")));
        await ReadJsonAsync(await client.PostAsync("/v1/models/air/forecast", Json("""{"history": [112, 118, 132, 129, 121, 135]}""")));
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint_and_metrics_include_the_process()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var paths = (await ReadJsonAsync(await client.GetAsync("/openapi/v1.json"))).GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (string path in new[] { "/v1/models", "/v1/models/{name}/forecast", "/v1/models/{name}/streams/{id}/observe", "/v1/models/{name}/generate",
            "/v1/models/{name}/caption", "/v1/models/{name}/run", "/healthz", "/readyz", "/metrics", "/v2", "/v2/health/live", "/v2/health/ready",
            "/v2/models/{name}", "/v2/models/{name}/versions/{version}", "/v2/models/{name}/ready", "/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer" })
            Assert.Contains(path, paths);
        string metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("process_cpu_seconds_total", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_collection_count_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_json_field_names_the_field_and_the_members_the_endpoint_takes()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        string detail = await AssertProblemAsync(await client.PostAsync("/v1/models/air/forecast", Json("""{"histroy": [1, 2, 3]}""")), HttpStatusCode.BadRequest, "'histroy'");
        Assert.Contains("'history', 'horizon', 'key'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("RnnOnnx.Server", detail, StringComparison.Ordinal);
    }
}
