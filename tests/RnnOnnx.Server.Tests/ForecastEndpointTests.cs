using System.Globalization;
using System.Net.Http.Json;

namespace RnnOnnx.Server.Tests;

/// <summary>The model list and forecasting, batched or not, against the forecaster loaded apart.</summary>
[Collection(SharedModelFolder.Name)]
public sealed class ForecastEndpointTests(ModelFolder folder)
{
    private static string Body(double[] history, int? horizon = null) =>
        $"{{\"history\": [{string.Join(", ", history.Select(v => double.IsNaN(v) ? "null" : v.ToString("R", CultureInfo.InvariantCulture)))}]{(horizon is { } h ? $", \"horizon\": {h}" : "")}}}";

    private void AssertSameForecast(double[] history, System.Text.Json.JsonElement answer, int horizon)
    {
        var expected = folder.Forecaster.Forecast(history);
        var forecast = Floats(answer.GetProperty("forecast"));
        var lower = Floats(answer.GetProperty("lower"));
        var upper = Floats(answer.GetProperty("upper"));
        Assert.Equal(horizon, forecast.Length);
        for (int i = 0; i < horizon; i++)
        {
            Assert.Equal(expected.Forecast[i], forecast[i], 1e-4f * Math.Abs(expected.Forecast[i]));
            Assert.Equal(expected.Lower[i], lower[i], 1e-4f * Math.Abs(expected.Lower[i]));
            Assert.Equal(expected.Upper[i], upper[i], 1e-4f * Math.Abs(expected.Upper[i]));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_forecast_is_the_models_forecast_with_its_interval_batched_or_not(bool batching)
    {
        using var factory = new ServerFactory(folder.Path, o => o.Batching = batching);
        using var client = factory.CreateClient();
        var history = ModelFolder.Series(100);
        history[40] = double.NaN; // null in JSON: a missing value, filled as the model fills it
        var answer = await ReadJsonAsync(await client.PostAsync("/v1/models/air/forecast", Json(Body(history))));
        Assert.Equal("air", answer.GetProperty("model").GetString());
        Assert.Equal(6, answer.GetProperty("horizon").GetInt32());
        Assert.Equal(folder.Forecaster.ConfidenceLevel, answer.GetProperty("confidence").GetDouble(), 1e-9);
        AssertSameForecast(history, answer, 6);

        var shorter = await ReadJsonAsync(await client.PostAsync("/v1/models/air/forecast", Json(Body(history, horizon: 2))));
        AssertSameForecast(history, shorter, 2);
    }

    [Fact]
    public async Task Concurrent_forecasts_each_get_their_own_answer_and_every_row_is_counted_in_a_batch()
    {
        using var factory = new ServerFactory(folder.Path, o => o.MaxBatchWait = TimeSpan.FromMilliseconds(20));
        using var client = factory.CreateClient();
        // Different levels, lengths (some shorter than the window) and seeds: a mixed-up batch would give wrong rows.
        var histories = Enumerable.Range(0, 40).Select(i => ModelFolder.Series(i % 3 == 0 ? 12 : 60 + i, seed: i, level: 50 + 10 * i)).ToArray();
        var responses = await Task.WhenAll(histories.Select(h => client.PostAsync("/v1/models/air/forecast", Json(Body(h)))));
        for (int i = 0; i < histories.Length; i++) AssertSameForecast(histories[i], await ReadJsonAsync(responses[i]), 6);
        // Each of the 40 forecasts ran in exactly one batch, whatever the batches were.
        Assert.Equal(40, await MetricAsync(client, "rnnonnx_forecast_batch_size_sum{model=\"air\"}"));
    }

    [Fact]
    public async Task The_model_list_tells_each_models_task_readiness_and_endpoints()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var models = (await ReadJsonAsync(await client.GetAsync("/v1/models"))).GetProperty("models").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["air", "badcaption", "captioner", "captioner.encoder", "chars", "junk", "plain"], models.Keys.Order(StringComparer.Ordinal));
        Assert.True(models["air"].GetProperty("ready").GetBoolean());
        Assert.Equal("forecast", models["air"].GetProperty("task").GetString());
        Assert.Equal(6, models["air"].GetProperty("details").GetProperty("horizon").GetInt32());
        Assert.Contains("/v1/models/air/forecast", models["air"].GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("generate", models["chars"].GetProperty("task").GetString());
        Assert.True(models["chars"].GetProperty("ready").GetBoolean());
        Assert.True(models["plain"].GetProperty("ready").GetBoolean());
        Assert.Equal(["/v1/models/plain/run"], models["plain"].GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.True(models["captioner"].GetProperty("ready").GetBoolean());
        Assert.Contains("/v1/models/captioner/caption", models["captioner"].GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.False(models["captioner.encoder"].GetProperty("ready").GetBoolean());
        Assert.Contains("encoder half", models["captioner.encoder"].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(models["badcaption"].GetProperty("ready").GetBoolean());
        Assert.Contains("vocabulary", models["badcaption"].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(models["junk"].GetProperty("ready").GetBoolean());
        Assert.Contains("junk.onnx", models["junk"].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
