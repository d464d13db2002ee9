using RnnOnnx.Captioning;
using RnnOnnx.Onnx;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>
/// A captioner is two files written as one unit: halves of different trainings, and file names in the metadata that
/// lead outside the model's folder, are refused by <see cref="CaptionModel.Load"/> (so by `rnnonnx caption`, the
/// ML.NET transform and the server) with exit 1 and a message naming the files.
/// </summary>
public sealed class MultiFileModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-pair-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Train(string name, int seed)
    {
        string folder = Path.Combine(_folder, name);
        Directory.CreateDirectory(folder);
        string recipe = Path.Combine(folder, "r.json");
        File.WriteAllText(recipe, $$"""{"task":"caption","scenes":{"count":32,"seed":3},"architecture":{"filters":[2,2,2],"features":4,"embedding":4,"units":4},"epochs":1,"batch":16,"lr":0.01,"seed":{{seed}}}""");
        string model = Path.Combine(folder, "m.onnx");
        var r = Run("train", "--recipe", recipe, "--out", model);
        Assert.True(r.Exit == 0, r.Error);
        return model;
    }

    private string Image()
    {
        string path = Path.Combine(_folder, "s.png");
        File.WriteAllBytes(path, new SceneGenerator(5).NextScene().ToPng());
        return path;
    }

    private static void AssertRefused((int Exit, string Output, string Error) r, params string[] named)
    {
        Assert.Equal(1, r.Exit);
        Assert.Equal("", r.Output);
        Assert.StartsWith("error: ", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        foreach (string n in named) Assert.Contains(n, r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_encoder_beside_an_old_decoder_is_refused_naming_both_files()
    {
        string oldModel = Train("old", 2), newModel = Train("new", 3);
        string image = Image();
        Assert.Equal(0, Run("caption", "--model", oldModel, image).Exit);
        // What an interrupted save over the old pair leaves: the new encoder (written first), the old decoder.
        string mixed = Path.Combine(_folder, "mixed");
        Directory.CreateDirectory(mixed);
        File.Copy(oldModel, Path.Combine(mixed, "m.onnx"));
        File.Copy(Path.Combine(_folder, "new", "m.encoder.onnx"), Path.Combine(mixed, "m.encoder.onnx"));
        string decoder = Path.Combine(mixed, "m.onnx"), encoder = Path.Combine(mixed, "m.encoder.onnx");
        foreach (string given in new[] { decoder, encoder, mixed })
            AssertRefused(Run("caption", "--model", given, image), decoder, encoder, "are not one captioner");
        var e = Assert.Throws<ModelFileException>(() => CaptionModel.Load(mixed));
        Assert.Contains(encoder, e.Message, StringComparison.Ordinal);
        // And the other way round: an old encoder beside a new decoder.
        File.Copy(newModel, decoder, overwrite: true);
        File.Copy(Path.Combine(_folder, "old", "m.encoder.onnx"), encoder, overwrite: true);
        AssertRefused(Run("caption", "--model", mixed, image), decoder, encoder, "are not one captioner");
    }

    [Fact]
    public void Files_without_a_pair_id_are_refused()
    {
        string model = Train("legacy", 2);
        // Strip the pair entries (what a captioner written before pair ids looks like).
        foreach (string file in new[] { model, Path.Combine(_folder, "legacy", "m.encoder.onnx") })
            File.WriteAllBytes(file, RnnOnnxMetadata.With(File.ReadAllBytes(file), [new(RnnOnnxMetadata.Pair, ""), new(RnnOnnxMetadata.PairEncoderSha256, "")]));
        var r = Run("caption", "--model", model, Image());
        Assert.Equal(1, r.Exit);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.Contains("m.encoder.onnx", r.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string> Escapes => new() { "../../../../etc/passwd", "/etc/passwd", "link.onnx", "sub/../../outside.onnx" };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void An_encoder_named_outside_the_model_folder_is_refused_naming_path_and_model(string named)
    {
        string model = Train("escape", 2);
        string folder = Path.GetDirectoryName(model)!;
        // A real encoder outside the folder, reached by a symbolic link inside it.
        string outside = Path.Combine(_folder, "outside.onnx");
        File.Copy(Path.Combine(folder, "m.encoder.onnx"), outside, overwrite: true);
        File.CreateSymbolicLink(Path.Combine(folder, "link.onnx"), outside);
        var bytes = File.ReadAllBytes(model);
        string config = OnnxModelInfo.Read(bytes).Metadata[RnnOnnxMetadata.Config];
        Assert.Contains("\"encoder\":\"m.encoder.onnx\"", config, StringComparison.Ordinal);
        File.WriteAllBytes(model, RnnOnnxMetadata.With(bytes, [new(RnnOnnxMetadata.Config, config.Replace("\"encoder\":\"m.encoder.onnx\"", $"\"encoder\":\"{named}\"", StringComparison.Ordinal))]));
        var r = Run("caption", "--model", model, Image());
        AssertRefused(r, $"'{named}'", model, "outside the model's folder");
        Assert.Throws<ModelFileException>(() => CaptionModel.Load(model));
    }

    [Fact]
    public void A_symlink_inside_the_folder_to_a_file_inside_is_accepted()
    {
        string model = Train("inside", 2);
        string folder = Path.GetDirectoryName(model)!;
        File.Move(Path.Combine(folder, "m.encoder.onnx"), Path.Combine(folder, "real.bin"));
        File.CreateSymbolicLink(Path.Combine(folder, "m.encoder.onnx"), "real.bin");
        Assert.Equal(0, Run("caption", "--model", model, Image()).Exit);
    }
}
