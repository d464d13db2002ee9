using System.Security.Cryptography;
using System.Text;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>
/// A corpus of bad recipes, checkpoints and images, generated at test time from fixed seeds: each is exit 1 with one
/// `error:` message naming the problem, no stack trace, and the old output file left intact.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-bad-").FullName;
    private const string Old = "OLD MODEL";

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Text()
    {
        string path = Path.Combine(_folder, "t.txt");
        if (!File.Exists(path)) File.WriteAllText(path, string.Concat(Enumerable.Repeat("the earth was without form and void. ", 60)));
        return path;
    }

    private const string Good = """{"task":"generate","data":"t.txt","architecture":{"embedding":4,"units":8,"layers":1},"lr":0.02,"epochs":2,"batch":16,"window":8,"seed":1,"validation":0.1}""";

    private static void AssertFails((int Exit, string Output, string Error) r, string named)
    {
        Assert.True(r.Exit == 1, $"exit {r.Exit}: {r.Error}");
        Assert.StartsWith("error: ", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.Contains(named, r.Error, StringComparison.OrdinalIgnoreCase);
    }

    private (int, string, string) TrainWith(string recipeJson, string? resume = null)
    {
        Text();
        string recipe = Path.Combine(_folder, "r.json");
        File.WriteAllText(recipe, recipeJson);
        string model = Path.Combine(_folder, "out.onnx");
        File.WriteAllText(model, Old);
        var r = resume is null ? Run("train", "--recipe", recipe, "--out", model) : Run("train", "--recipe", recipe, "--out", model, "--resume", resume);
        Assert.Equal(Old, File.ReadAllText(model));
        return r;
    }

    public static TheoryData<string, string> Recipes => new()
    {
        { Good.Replace("\"seed\":1", "\"seed\":1,\"bogus\":3", StringComparison.Ordinal), "bogus" },
        { Good.Replace("\"epochs\":2", "\"epochs\":\"two\"", StringComparison.Ordinal), "epochs" },
        { Good.Replace("\"lr\":0.02", "\"lr\":[1]", StringComparison.Ordinal), "lr" },
        { Good.Replace("\"architecture\":{\"embedding\":4,\"units\":8,\"layers\":1}", "\"architecture\":5", StringComparison.Ordinal), "architecture" },
        { Good.Replace("\"epochs\":2", "\"epochs\":-1", StringComparison.Ordinal), "epochs" },
        { Good.Replace("\"batch\":16", "\"batch\":0", StringComparison.Ordinal), "batch" },
        { Good.Replace("\"epochs\":2", "\"epochs\":1e12", StringComparison.Ordinal), "epochs" },
        { Good.Replace("\"lr\":0.02", "\"lr\":-0.1", StringComparison.Ordinal), "lr" },
        { Good.Replace("\"units\":8", "\"units\":100000000", StringComparison.Ordinal), "recurrent_kernel" },
        { Good.Replace("\"window\":8", "\"window\":2147483647", StringComparison.Ordinal), "window" },
        { Good.Replace("\"generate\"", "\"dance\"", StringComparison.Ordinal), "dance" },
        { Good.Replace("t.txt", "missing.txt", StringComparison.Ordinal), "missing.txt" },
        { Good.Replace("t.txt", ".", StringComparison.Ordinal), "folder" },
        { Good.Replace("t.txt", "empty.txt", StringComparison.Ordinal), "empty" },
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Bad_recipes_are_refused_naming_the_problem(string json, string named)
    {
        File.WriteAllText(Path.Combine(_folder, "empty.txt"), "");
        AssertFails(TrainWith(json), named);
    }

    [Fact]
    public void Truncated_recipes_at_seeded_offsets_are_refused()
    {
        foreach (int cut in Seeded.Ints(41, 6, 1, Good.Length - 1))
            AssertFails(TrainWith(Good[..cut]), "recipe");
    }

    /// <summary>A checkpoint of the good recipe after one epoch.</summary>
    private string Checkpoint()
    {
        Text();
        string recipe = Path.Combine(_folder, "one.json");
        File.WriteAllText(recipe, Good.Replace("\"epochs\":2", "\"epochs\":1", StringComparison.Ordinal));
        string model = Path.Combine(_folder, "one.onnx");
        Assert.Equal(0, Run("train", "--recipe", recipe, "--out", model).Exit);
        return model + ".ckpt";
    }

    [Fact]
    public void Truncated_or_flipped_checkpoints_at_seeded_offsets_are_refused()
    {
        var bytes = File.ReadAllBytes(Checkpoint());
        string bad = Path.Combine(_folder, "bad.ckpt");
        foreach (int cut in Seeded.Ints(7, 5, 0, bytes.Length))
        {
            File.WriteAllBytes(bad, bytes[..cut]);
            AssertFails(TrainWith(Good, bad), "Checkpoint");
        }
        foreach (int at in Seeded.Ints(8, 8, 0, bytes.Length))
        {
            var flipped = (byte[])bytes.Clone();
            flipped[at] ^= (byte)(1 << (at % 8));
            File.WriteAllBytes(bad, flipped);
            AssertFails(TrainWith(Good, bad), "Checkpoint");
        }
    }

    /// <summary>The checkpoint with its training-state JSON edited and its SHA-256 recomputed (so only the state is wrong).</summary>
    private static byte[] WithState(byte[] checkpoint, Func<string, string> edit)
    {
        int magic = Array.IndexOf(checkpoint, (byte)'\n') + 1;
        int length = BitConverter.ToInt32(checkpoint, magic);
        string json = Encoding.UTF8.GetString(checkpoint, magic + 4, length);
        var edited = Encoding.UTF8.GetBytes(edit(json));
        Assert.NotEqual(json, Encoding.UTF8.GetString(edited));
        var body = checkpoint[..magic].Concat(BitConverter.GetBytes(edited.Length)).Concat(edited).Concat(checkpoint[(magic + 4 + length)..^32]).ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }

    [Theory]
    [InlineData("\"Epoch\":1", "\"Epoch\":-1", "epoch")]
    [InlineData("\"Batch\":0", "\"Batch\":1000000", "batch index")]
    [InlineData("\"OrderEpoch\":0", "\"OrderEpoch\":7", "order epoch")]
    public void Checkpoints_with_impossible_states_are_refused(string from, string to, string named)
    {
        var bytes = File.ReadAllBytes(Checkpoint());
        string bad = Path.Combine(_folder, "state.ckpt");
        File.WriteAllBytes(bad, WithState(bytes, json => json.Replace(from, to, StringComparison.Ordinal)));
        AssertFails(TrainWith(Good, bad), named);
    }

    [Fact]
    public void Another_models_checkpoint_and_a_non_checkpoint_are_refused()
    {
        string checkpoint = Checkpoint();
        AssertFails(TrainWith(Good.Replace("\"units\":8", "\"units\":9", StringComparison.Ordinal), checkpoint), "another training run");
        AssertFails(TrainWith(Good, Path.Combine(_folder, "t.txt")), "not an RnnOnnx checkpoint");
    }

    public static TheoryData<string, string> Images => new()
    {
        { "empty.png", "empty" },
        { "truncated.png", "damaged" },
        { "huge.png", "not a readable image" }, // SkiaSharp refuses the header-only file before the size check
        { "text.png", "not a readable image" },
        { "folder.png", "folder" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Bad_images_are_refused_naming_the_problem(string name, string named)
    {
        string path = Path.Combine(_folder, name);
        var png = new RnnOnnx.Captioning.SceneGenerator(3).NextScene().ToPng();
        switch (name)
        {
            case "empty.png": File.WriteAllBytes(path, []); break;
            case "truncated.png": File.WriteAllBytes(path, png[..(png.Length * 2 / 3)]); break;
            case "huge.png":
                // A valid signature and IHDR declaring 100000×100000 pixels, then nothing.
                var ihdr = png[..33].ToArray();
                BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(100_000)).CopyTo(ihdr, 16);
                BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(100_000)).CopyTo(ihdr, 20);
                BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Crc32(ihdr.AsSpan(12, 17)))).CopyTo(ihdr, 29);
                File.WriteAllBytes(path, ihdr);
                break;
            case "text.png": File.WriteAllText(path, "not an image at all"); break;
            default: Directory.CreateDirectory(path); File.WriteAllText(Path.Combine(path, "readme.txt"), "x"); break;
        }
        var r = Run("caption", "--model", RnnOnnx.Tests.Repository.File("models", "caption"), path);
        Assert.Equal("", r.Output);
        AssertFails(r, named);
        Assert.Contains(path, r.Error, StringComparison.Ordinal);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
