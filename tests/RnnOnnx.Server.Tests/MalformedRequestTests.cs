namespace RnnOnnx.Server.Tests;

/// <summary>The malformed-request corpus: every request gets a 4xx problem naming what is wrong, never a 5xx, and the server keeps serving.</summary>
[Collection(SharedModelFolder.Name)]
public sealed class MalformedRequestTests(ModelFolder folder)
{
    public static TheoryData<string, string, string, HttpStatusCode, string> Corpus => new()
    {
        // path, content type, body, expected status, what the detail must mention
        { "/v1/models/air/forecast", "application/json", """{"history": [1, 2, """, HttpStatusCode.BadRequest, "Path: $.history" },
        { "/v1/models/air/forecast", "application/json", "not json at all", HttpStatusCode.BadRequest, "invalid" },
        { "/v1/models/air/forecast", "application/json", """{"history": "112, 118"}""", HttpStatusCode.BadRequest, "$.history" },
        { "/v1/models/air/forecast", "application/json", """{"history": [112, "x", 132]}""", HttpStatusCode.BadRequest, "$.history[1]" },
        { "/v1/models/air/forecast", "application/json", """{"history": [112, NaN, 132]}""", HttpStatusCode.BadRequest, "$.history" },
        { "/v1/models/air/forecast", "application/json", """{"history": [112, "NaN", 132]}""", HttpStatusCode.BadRequest, "$.history[1]" },
        { "/v1/models/air/forecast", "application/json", """{"history": [112, 1e999, 132]}""", HttpStatusCode.BadRequest, "history[1]" },
        { "/v1/models/air/forecast", "application/json", """{"history": []}""", HttpStatusCode.BadRequest, "'history' is empty" },
        { "/v1/models/air/forecast", "application/json", """{}""", HttpStatusCode.BadRequest, "'history' is required" },
        { "/v1/models/air/forecast", "application/json", "", HttpStatusCode.BadRequest, "body" },
        { "/v1/models/air/forecast", "application/json", "null", HttpStatusCode.BadRequest, "request" },
        { "/v1/models/air/forecast", "application/json", """{"histroy": [1, 2, 3]}""", HttpStatusCode.BadRequest, "histroy" },
        { "/v1/models/air/forecast", "application/json", """{"history": [112]}""", HttpStatusCode.BadRequest, "1 point" },
        { "/v1/models/air/forecast", "application/json", """{"history": [null, null, null]}""", HttpStatusCode.BadRequest, "missing" },
        { "/v1/models/air/forecast", "application/json", """{"history": [1, 2, 3], "horizon": 0}""", HttpStatusCode.BadRequest, "'horizon' is 0" },
        { "/v1/models/air/forecast", "application/json", """{"history": [1, 2, 3], "horizon": 99}""", HttpStatusCode.BadRequest, "1 to 6" },
        { "/v1/models/air/forecast", "application/json", """{"history": [1, 2, 3], "horizon": 2.5}""", HttpStatusCode.BadRequest, "$.horizon" },
        { "/v1/models/air/forecast", "text/plain", "112,118,132", HttpStatusCode.UnsupportedMediaType, "JSON" },
        { "/v1/models/nope/forecast", "application/json", """{"history": [1, 2, 3]}""", HttpStatusCode.NotFound, "no model 'nope'" },
        { "/v1/models/chars/forecast", "application/json", """{"history": [1, 2, 3]}""", HttpStatusCode.NotFound, "not a 'forecast' model" },
        { "/v1/models/junk/run", "application/json", """{}""", HttpStatusCode.Conflict, "junk.onnx" },
        { "/v1/models/chars/generate", "application/json", """{"length": -1}""", HttpStatusCode.BadRequest, "'length' is -1" },
        { "/v1/models/chars/generate", "application/json", """{"length": 5, "temperature": -2}""", HttpStatusCode.BadRequest, "'temperature'" },
        { "/v1/models/chars/generate", "application/json", """{"length": 5, "top_k": -1}""", HttpStatusCode.BadRequest, "'top_k'" },
        { "/v1/models/chars/generate", "application/json", """{"length": 5, "top_p": 0}""", HttpStatusCode.BadRequest, "'top_p'" },
        { "/v1/models/chars/generate", "application/json", """{"prompt": "XYZ€", "length": 5}""", HttpStatusCode.BadRequest, "vocabulary" },
        { "/v1/models/chars/generate", "application/json", """{"prompt": 42}""", HttpStatusCode.BadRequest, "$.prompt" },
        { "/v1/models/plain/run", "application/json", """{"input": {"shape": [1, 2], "data": [1]}}""", HttpStatusCode.BadRequest, "input" },
        { "/v1/models/plain/run", "application/json", """{"other": {"shape": [1], "data": [1]}}""", HttpStatusCode.BadRequest, "'other'" },
        { "/v1/models/plain/run", "application/json", "[1, 2", HttpStatusCode.BadRequest, "JSON" },
        { "/v1/models/air/streams/bad id!/observe", "application/json", """{"values": [1, 2, 3]}""", HttpStatusCode.BadRequest, "Stream id" },
        { "/v1/models/air/streams/s/observe", "application/json", """{"values": [5]}""", HttpStatusCode.BadRequest, "1 point" },
        { "/v1/models/captioner/caption", "image/png", "\u0089PNG but not really", HttpStatusCode.BadRequest, "not an image" },
        { "/v1/models/captioner/caption", "image/png", "", HttpStatusCode.BadRequest, "empty" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_malformed_request_gets_a_4xx_problem_naming_the_fault_and_the_server_keeps_serving(
        string path, string contentType, string body, HttpStatusCode status, string mentions)
    {
        using var factory = new ServerFactory(folder.Path, o => o.MaxRequestBytes = 64 * 1024);
        using var client = factory.CreateClient();
        var content = new StringContent(body);
        content.Headers.ContentType = new(contentType);
        await AssertProblemAsync(await client.PostAsync(path, content), status, mentions);
        await ReadJsonAsync(await client.PostAsync("/v1/models/air/forecast", Json("""{"history": [112, 118, 132, 129, 121, 135]}""")));
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413_before_it_is_read()
    {
        using var factory = new ServerFactory(folder.Path, o => { o.MaxRequestBytes = 64 * 1024; o.MaxImageBytes = 128 * 1024; });
        using var client = factory.CreateClient();
        string huge = "{\"history\": [" + string.Join(",", Enumerable.Repeat("123.456", 20_000)) + "]}";
        await AssertProblemAsync(await client.PostAsync("/v1/models/air/forecast", Json(huge)), HttpStatusCode.RequestEntityTooLarge, "at most 65536");
        var image = new ByteArrayContent(new byte[200 * 1024]);
        await AssertProblemAsync(await client.PostAsync("/v1/models/captioner/caption", image), HttpStatusCode.RequestEntityTooLarge, "at most 131072");
        // An image endpoint takes more than a JSON one: 100 KiB passes the size check and fails as a non-image.
        await AssertProblemAsync(await client.PostAsync("/v1/models/captioner/caption", new ByteArrayContent(new byte[100 * 1024])), HttpStatusCode.BadRequest, "not an image");
        await ReadJsonAsync(await client.PostAsync("/v1/models/air/forecast", Json("""{"history": [112, 118, 132, 129, 121, 135]}""")));
    }
}
