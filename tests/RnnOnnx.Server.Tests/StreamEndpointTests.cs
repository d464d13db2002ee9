using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace RnnOnnx.Server.Tests;

/// <summary>Streaming forecast sessions: engine semantics, the cap and the time-to-live (on a fake clock).</summary>
[Collection(SharedModelFolder.Name)]
public sealed class StreamEndpointTests(ModelFolder folder)
{
    private static StringContent Values(IEnumerable<double> values) =>
        Json($"{{\"values\": [{string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]}}");

    [Fact]
    public async Task A_stream_starts_from_its_history_then_each_observation_moves_it_on_like_an_engine()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var series = ModelFolder.Series(90);
        var started = await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/s-1/observe", Values(series[..80])));
        Assert.True(started.GetProperty("created").GetBoolean());
        Assert.Equal(80, started.GetProperty("observations").GetInt64());
        var moved = await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/s-1/observe", Values(series[80..])));
        Assert.False(moved.GetProperty("created").GetBoolean());
        Assert.Equal(90, moved.GetProperty("observations").GetInt64());

        using var engine = folder.Forecaster.CreateEngine(series[..80]);
        foreach (var value in series[80..]) engine.Update(value);
        var expected = engine.Predict();
        var forecast = Floats(moved.GetProperty("forecast"));
        for (int i = 0; i < expected.Forecast.Length; i++) Assert.Equal(expected.Forecast[i], forecast[i], 1e-4f * Math.Abs(expected.Forecast[i]));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/v1/models/air/streams/s-1")).StatusCode);
        await AssertProblemAsync(await client.DeleteAsync("/v1/models/air/streams/s-1"), HttpStatusCode.NotFound, "no stream 's-1'");
    }

    [Fact]
    public async Task Streams_are_capped_and_an_idle_one_expires_after_its_time_to_live()
    {
        var time = new FakeTimeProvider();
        using var factory = new ServerFactory(folder.Path, o => { o.MaxStreams = 2; o.StreamTimeToLive = TimeSpan.FromMinutes(5); }, time);
        using var client = factory.CreateClient();
        var history = ModelFolder.Series(40);
        Assert.True((await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/a/observe", Values(history)))).GetProperty("created").GetBoolean());
        Assert.True((await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/b/observe", Values(history)))).GetProperty("created").GetBoolean());
        await AssertProblemAsync(await client.PostAsync("/v1/models/air/streams/c/observe", Values(history)), HttpStatusCode.TooManyRequests, "maximum of 2 streams");

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False((await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/a/observe", Values([150.0])))).GetProperty("created").GetBoolean());
        time.Advance(TimeSpan.FromMinutes(2)); // b is now 6 minutes idle, a 2 minutes
        var c = await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/c/observe", Values(history)));
        Assert.True(c.GetProperty("created").GetBoolean());
        // b expired (a new b would be a third stream: refused), a lives on.
        await AssertProblemAsync(await client.PostAsync("/v1/models/air/streams/b/observe", Values(history)), HttpStatusCode.TooManyRequests, "maximum of 2 streams");
        var a = await ReadJsonAsync(await client.PostAsync("/v1/models/air/streams/a/observe", Values([151.0])));
        Assert.False(a.GetProperty("created").GetBoolean());
        Assert.Equal(42, a.GetProperty("observations").GetInt64());
        Assert.Equal(2, await MetricAsync(client, "rnnonnx_streams"));
    }
}
