namespace RnnOnnx.Server.Tests;

/// <summary>Limits and shutdown on Kestrel over loopback, with a request held in flight by a body sent in two parts.</summary>
[Collection(SharedModelFolder.Name)]
public sealed class KestrelHostTests(ModelFolder folder)
{
    private const string RunBody = """{"input": {"shape": [1, 3], "data": [1, 2, 3]}}""";

    [Fact]
    public async Task Shutdown_finishes_the_request_in_flight()
    {
        var host = await LoopbackHost.StartAsync(folder.Path);
        var held = new GatedContent(RunBody);
        var inFlight = host.Client.PostAsync("/v1/models/plain/run", held);
        await WaitForInFlightAsync(host.Client, 1);

        var stopping = host.App.StopAsync();
        held.Release();
        Assert.True((await ReadJsonAsync(await inFlight)).TryGetProperty("output", out _));
        await stopping;
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Past_the_concurrency_limit_a_request_gets_503_with_retry_after_and_the_one_in_flight_completes()
    {
        await using var host = await LoopbackHost.StartAsync(folder.Path, o => o.MaxConcurrentRequests = 1);
        var held = new GatedContent(RunBody);
        var first = host.Client.PostAsync("/v1/models/plain/run", held);
        await WaitForInFlightAsync(host.Client, 1);

        var refused = await host.Client.PostAsync("/v1/models/air/forecast", Json("""{"history": [1, 2, 3]}"""));
        await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "at once");
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        // Health, readiness and metrics are never limited.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);

        held.Release();
        Assert.True((await ReadJsonAsync(await first)).TryGetProperty("output", out _));
        await ReadJsonAsync(await host.Client.PostAsync("/v1/models/air/forecast", Json("""{"history": [1, 2, 3]}""")));
    }

    [Fact]
    public async Task A_request_past_the_time_limit_gets_504()
    {
        await using var host = await LoopbackHost.StartAsync(folder.Path, o => o.RequestTimeout = TimeSpan.FromMilliseconds(200));
        var held = new GatedContent(RunBody);
        // The body is released long after the limit (and only so that the client is never left hanging): a 200 here means no timeout.
        _ = Task.Delay(TimeSpan.FromSeconds(20)).ContinueWith(_ => held.Release(), TaskScheduler.Default);
        await AssertProblemAsync(await host.Client.PostAsync("/v1/models/plain/run", held), HttpStatusCode.GatewayTimeout, "0.2 s");
        held.Release();
        await ReadJsonAsync(await host.Client.PostAsync("/v1/models/air/forecast", Json("""{"history": [1, 2, 3]}""")));
    }

    [Fact]
    public async Task A_body_without_a_declared_length_is_stopped_at_the_limit_with_413()
    {
        await using var host = await LoopbackHost.StartAsync(folder.Path, o => o.MaxRequestBytes = 4096);
        string huge = "{\"history\": [" + string.Join(",", Enumerable.Repeat("123.456", 5000)) + "]}";
        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/models/air/forecast") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await AssertProblemAsync(await host.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "too large");
        await ReadJsonAsync(await host.Client.PostAsync("/v1/models/air/forecast", Json("""{"history": [112, 118, 132, 129]}""")));
    }
}
