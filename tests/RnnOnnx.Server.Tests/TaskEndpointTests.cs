using Microsoft.Extensions.DependencyInjection;
using RnnOnnx.Server.Models;
using RnnOnnx.Text;
using RnnOnnx.Captioning;
using RnnOnnx.Runtime.Tensors;

namespace RnnOnnx.Server.Tests;

/// <summary>generate, run and caption, each against what the library gives for the same model and input.</summary>
[Collection(SharedModelFolder.Name)]
public sealed class TaskEndpointTests(ModelFolder folder)
{
    [Fact]
    public async Task Generate_gives_the_generators_text_for_the_same_seed_and_options()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        const string body = """{"prompt": "the c", "length": 40, "temperature": 0.8, "top_k": 3, "seed": 5}""";
        var first = await ReadJsonAsync(await client.PostAsync("/v1/models/chars/generate", Json(body)));
        var second = await ReadJsonAsync(await client.PostAsync("/v1/models/chars/generate", Json(body)));
        string text = first.GetProperty("text").GetString()!;
        using var generator = TextGenerator.Load(folder.File("chars"));
        Assert.Equal(generator.Generate("the c", 40, new SamplingOptions { Temperature = 0.8f, TopK = 3, Seed = 5 }), text);
        Assert.Equal(text, second.GetProperty("text").GetString());
        var other = await ReadJsonAsync(await client.PostAsync("/v1/models/chars/generate", Json("""{"prompt": "the c", "length": 40, "seed": 6}""")));
        Assert.Equal(40, other.GetProperty("text").GetString()!.Length);
    }

    [Fact]
    public async Task Run_answers_every_output_of_any_served_model_as_tensor_json()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var answer = await ReadJsonAsync(await client.PostAsync("/v1/models/plain/run",
            Json("""{"input": {"shape": [2, 3], "data": [1, 2, 3, 0, 1, 2]}}""")));
        var output = answer.GetProperty("output");
        Assert.Equal([2, 3, folder.Vocabulary.Count], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(2 * 3 * folder.Vocabulary.Count, output.GetProperty("data").GetArrayLength());
        var wrongShape = await client.PostAsync("/v1/models/plain/run", Json("""{"input": {"shape": [2, 3, 1], "data": [1, 2, 3, 0, 1, 2]}}"""));
        await AssertProblemAsync(wrongShape, HttpStatusCode.BadRequest, "shape [2, 3, 1]");
    }

    [Fact]
    public async Task Run_calls_share_one_session_per_model_and_agree_with_a_fresh_one()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var model = factory.Services.GetRequiredService<ModelCatalog>().Find("plain");
        const string body = """{"input": {"shape": [1, 4], "data": [3, 1, 4, 1]}}""";
        Assert.False(model.RunnerOpened);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            await (await client.PostAsync("/v1/models/plain/run", Json(body))).Content.ReadAsStringAsync()));
        Assert.True(model.RunnerOpened);
        Assert.Single(answers.Distinct());
        Assert.Equal(TensorFileRunner.Run(File.ReadAllBytes(folder.File("plain")), body), answers[0]);
    }

    [Fact]
    public void A_served_models_run_session_is_disposed_with_it_and_not_reopened()
    {
        var model = new ServedModel { Name = "plain", File = folder.File("plain"), TaskName = "", Onnx = File.ReadAllBytes(folder.File("plain")) };
        Assert.Same(model.Runner, model.Runner);
        model.Dispose();
        Assert.False(model.RunnerOpened);
        Assert.Throws<ObjectDisposedException>(() => model.Runner);
    }

    [Fact]
    public async Task Caption_answers_with_the_library_caption_and_refuses_what_it_cannot_caption()
    {
        using var factory = new ServerFactory(folder.Path);
        using var client = factory.CreateClient();
        var scene = new SceneGenerator(31).NextScene();
        var image = new ByteArrayContent(scene.ToPng());
        image.Headers.ContentType = new("image/png");
        var answer = await ReadJsonAsync(await client.PostAsync("/v1/models/captioner/caption", image));
        Assert.Contains(answer.GetProperty("caption").GetString(), scene.References);
        using (var captioner = new ImageCaptioner(System.IO.Path.Combine(folder.Path, "captioner.onnx")))
            Assert.Equal(captioner.CaptionImages([scene.ToPng()])[0].Caption, answer.GetProperty("caption").GetString());

        var text = new ByteArrayContent("not a picture"u8.ToArray());
        await AssertProblemAsync(await client.PostAsync("/v1/models/captioner/caption", text), HttpStatusCode.BadRequest, "not an image");
        var png = scene.ToPng();
        await AssertProblemAsync(await client.PostAsync("/v1/models/badcaption/caption", new ByteArrayContent(png)), HttpStatusCode.Conflict, "vocabulary");
        await AssertProblemAsync(await client.PostAsync("/v1/models/captioner.encoder/caption", new ByteArrayContent(png)), HttpStatusCode.Conflict, "encoder half");
        await AssertProblemAsync(await client.PostAsync("/v1/models/nope/caption", new ByteArrayContent(png)), HttpStatusCode.NotFound, "no model 'nope'");
        await AssertProblemAsync(await client.PostAsync("/v1/models/air/caption", new ByteArrayContent(png)), HttpStatusCode.NotFound, "not a 'caption' model");
    }
}
