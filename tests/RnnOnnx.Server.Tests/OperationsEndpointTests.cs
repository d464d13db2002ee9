namespace RnnOnnx.Server.Tests;

/// <summary>/healthz, /readyz and /metrics, through the test server.</summary>
[Collection(SharedModelFolder.Name)]
public sealed class OperationsEndpointTests(ModelFolder folder)
{
    [Fact]
    public async Task Health_and_readiness_answer_and_readiness_lists_each_model()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        var ready = await ReadJsonAsync(await client.GetAsync("/readyz"));
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("ready", ready.GetProperty("models").GetProperty("air").GetString());
        Assert.StartsWith("not ready: ", ready.GetProperty("models").GetProperty("junk").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_requests_errors_and_latency_per_model_and_endpoint_in_prometheus_text()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        for (int i = 0; i < 3; i++)
            await ReadJsonAsync(await client.PostAsync("/v1/models/air/forecast", Json("""{"history": [112, 118, 132, 129]}""")));
        await client.PostAsync("/v1/models/air/forecast", Json("""{"history": []}"""));
        await client.PostAsync("/v1/models/made-up-name/forecast", Json("""{"history": [1, 2]}"""));

        var metrics = await client.GetAsync("/metrics");
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, await MetricAsync(client, """rnnonnx_requests_total{model="air",endpoint="forecast",status="200"}"""));
        Assert.Equal(1, await MetricAsync(client, """rnnonnx_request_errors_total{model="air",endpoint="forecast",status="400"}"""));
        Assert.Equal(4, await MetricAsync(client, """rnnonnx_request_duration_seconds_count{model="air",endpoint="forecast"}"""));
        // An invented model name is not a label value of its own.
        Assert.Equal(1, await MetricAsync(client, """rnnonnx_request_errors_total{model="unknown",endpoint="forecast",status="404"}"""));
        Assert.DoesNotContain("made-up-name", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
