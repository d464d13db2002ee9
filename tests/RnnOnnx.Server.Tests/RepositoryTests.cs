using RnnOnnx.Forecasting;

namespace RnnOnnx.Server.Tests;

/// <summary>The model repository: recursive names, Triton's layout and versions, hot reload by polling.</summary>
[Collection(SharedModelFolder.Name)]
public sealed class RepositoryTests(ModelFolder folder) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rnnonnx-repo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Place(string relative, string sourceModel)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(folder.File(sourceModel), path, overwrite: true);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> to a temporary file and renames it into place, as a deployment should.</summary>
    private static void Replace(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path + ".tmp", bytes);
        File.Move(path + ".tmp", path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5)); // a new fingerprint even within the clock's resolution
    }

    private const string History = """{"history": [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141]}""";

    private const string PlainInfer = """{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "INT64", "data": [1, 2]}]}""";

    [Fact]
    public async Task Models_are_found_recursively_with_stable_names_and_triton_versions_newest_first()
    {
        Place("air.onnx", "air");
        Place(Path.Combine("forecast", "deep", "air.onnx"), "air");
        Place(Path.Combine("tri", "1", "model.onnx"), "plain");
        Place(Path.Combine("tri", "2", "model.onnx"), "plain");
        Place(Path.Combine("tri", "01", "model.onnx"), "plain"); // not a version folder for Triton: ignored
        File.WriteAllText(Path.Combine(_root, "tri", "config.pbtxt"), "name: \"tri\"\nbackend: \"onnxruntime\"\nmax_batch_size: 8\n");
        using var factory = new ServerFactory(_root);
        using var client = factory.CreateClient();
        var names = (await ReadJsonAsync(await client.GetAsync("/v1/models"))).GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(["air", "forecast.deep.air", "tri"], names);
        await ReadJsonAsync(await client.PostAsync("/v1/models/forecast.deep.air/forecast", Json(History)));
        var meta = await ReadJsonAsync(await client.GetAsync("/v2/models/tri"));
        Assert.Equal(["1", "2"], meta.GetProperty("versions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("2", (await ReadJsonAsync(await client.PostAsync("/v2/models/tri/infer", Json(PlainInfer)))).GetProperty("model_version").GetString());
        Assert.Equal("1", (await ReadJsonAsync(await client.PostAsync("/v2/models/tri/versions/1/infer", Json(PlainInfer)))).GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task A_changed_file_is_reloaded_by_polling_while_requests_in_flight_succeed()
    {
        string path = Place("m.onnx", "air");
        var options = new RnnForecastOptions { Horizon = 6, Seasons = [12], Units = 8, Epochs = 3, EnsembleSize = 1, Seed = 99, MaxWindowsPerSeries = 20 };
        using var other = RnnForecastTrainer.Train([new ForecastSeries(ModelFolder.Series(120, seed: 5))], options);
        var history = new double[] { 112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141 };
        float[] before = folder.Forecaster.Forecast(history).Forecast, after = other.Forecast(history).Forecast;
        Assert.NotEqual(before, after);

        await using var host = await LoopbackHost.StartAsync(_root, o => { o.PollInterval = TimeSpan.FromMilliseconds(100); o.RetiredModelGrace = TimeSpan.FromSeconds(2); });
        Assert.Equal(before, Floats((await ReadJsonAsync(await host.Client.PostAsync("/v1/models/m/forecast", Json(History)))).GetProperty("forecast")));
        using var stop = new CancellationTokenSource();
        int failures = 0, answered = 0;
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await host.Client.PostAsync("/v1/models/m/forecast", Json(History));
                if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref failures); errors.Add(await response.Content.ReadAsStringAsync()); }
                var v2 = await host.Client.PostAsync("/v2/models/m/infer", Json($$"""{"parameters": {"sequence_id": {{worker + 1}}, "sequence_start": true, "sequence_end": true}, "inputs": [{"name": "input", "shape": [1, 3, 1], "datatype": "FP32", "data": [0.1, 0.2, 0.3]}]}"""));
                if (!v2.IsSuccessStatusCode) { Interlocked.Increment(ref failures); errors.Add(await v2.Content.ReadAsStringAsync()); }
                Interlocked.Increment(ref answered);
            }
        })).ToArray();
        await Task.Delay(300);
        Replace(path, other.OnnxModel);
        float[] served = before;
        for (int i = 0; i < 100 && !served.SequenceEqual(after); i++)
        {
            await Task.Delay(50);
            served = Floats((await ReadJsonAsync(await host.Client.PostAsync("/v1/models/m/forecast", Json(History)))).GetProperty("forecast"));
        }
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(after, served);
        Assert.True(failures == 0, string.Join("\n", errors));
        Assert.True(answered > 10, $"only {answered} requests ran during the reload");
    }

    [Fact]
    public async Task A_broken_new_version_or_a_broken_rewrite_keeps_the_old_one_serving()
    {
        Place(Path.Combine("tri", "1", "model.onnx"), "plain");
        string plainPath = Place("air.onnx", "air");
        await using var host = await LoopbackHost.StartAsync(_root, o => o.PollInterval = TimeSpan.FromMilliseconds(100));
        var client = host.Client;
        Assert.Equal("1", (await ReadJsonAsync(await client.PostAsync("/v2/models/tri/infer", Json(PlainInfer)))).GetProperty("model_version").GetString());

        Replace(Path.Combine(_root, "tri", "2", "model.onnx"), [1, 2, 3, 4]);
        Replace(plainPath, [9, 9, 9]);
        for (int i = 0; i < 100; i++)
        {
            var meta = await client.GetStringAsync("/v1/models");
            if (meta.Contains("\"tri\"", StringComparison.Ordinal) && (await client.GetAsync("/v2/models/tri/versions/2/ready")).StatusCode == HttpStatusCode.BadRequest) break;
            await Task.Delay(50);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v2/models/tri/versions/2/ready")).StatusCode);
        Assert.Equal("1", (await ReadJsonAsync(await client.PostAsync("/v2/models/tri/infer", Json(PlainInfer)))).GetProperty("model_version").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/models/tri/ready")).StatusCode);
        // The rewritten air.onnx is junk: the loaded air keeps serving.
        await Task.Delay(300);
        await ReadJsonAsync(await client.PostAsync("/v1/models/air/forecast", Json(History)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/models/air/ready")).StatusCode);

        // A fixed version 2 is picked up and becomes the default.
        Replace(Path.Combine(_root, "tri", "2", "model.onnx"), File.ReadAllBytes(folder.File("plain")));
        string version = "1";
        for (int i = 0; i < 100 && version != "2"; i++)
        {
            await Task.Delay(50);
            version = (await ReadJsonAsync(await client.PostAsync("/v2/models/tri/infer", Json(PlainInfer)))).GetProperty("model_version").GetString()!;
        }
        Assert.Equal("2", version);
    }
}
