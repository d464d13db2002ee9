using System.Text;
using RnnOnnx.Layers;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Training;

/// <summary>
/// A model file whose architecture section is well-formed JSON but describes an impossible model is a bad file,
/// not a bad program: it must fail as <see cref="ModelFileException"/> naming the file.
/// </summary>
public sealed class CorruptModelFileTests : IDisposable
{
    private const string Magic = "RNNONNX-MODEL/1\n";
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-corrupt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] SavedModel()
    {
        var model = new Sequential(new Lstm(3, returnSequences: true), new Dropout(0.25f), new Gru(2), new Dense(1, Activation.Tanh));
        model.Build(new LayerShape(true, 2), seed: 1);
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    /// <summary>The file with its architecture JSON edited (the length prefix follows the edit; the weights stay).</summary>
    private static byte[] Edit(byte[] file, string find, string replace)
    {
        int start = Magic.Length;
        int length = BitConverter.ToInt32(file, start);
        string json = Encoding.UTF8.GetString(file, start + 4, length);
        Assert.Contains(find, json);
        int at = json.IndexOf(find, StringComparison.Ordinal);
        var edited = Encoding.UTF8.GetBytes(json[..at] + replace + json[(at + find.Length)..]);
        return [.. file.AsSpan(0, start), .. BitConverter.GetBytes(edited.Length), .. edited, .. file.AsSpan(start + 4 + length)];
    }

    public static TheoryData<string, string, string> Corruptions() => new()
    {
        { "units-zero", "\"units\":3", "\"units\":0" },
        { "units-negative", "\"units\":2", "\"units\":-5" },
        { "units-huge", "\"units\":2", "\"units\":2000000000" },
        { "dense-units-zero", "\"units\":1", "\"units\":0" },
        { "unknown-activation", "\"activation\":\"Tanh\"", "\"activation\":\"Swish\"" },
        { "numeric-activation", "\"activation\":\"Tanh\"", "\"activation\":\"7\"" },
        { "dropout-rate-3", "\"rate\":0.25", "\"rate\":3" },
        { "units-not-a-number", "\"units\":3", "\"units\":\"three\"" },
        { "units-fractional", "\"units\":3", "\"units\":3.5" },
        { "input-width-zero", "\"width\":2", "\"width\":0" },
        { "layers-that-do-not-fit", "\"returnSequences\":true", "\"returnSequences\":false" },
        { "unknown-layer", "\"type\":\"Gru\"", "\"type\":\"Transformer\"" },
        { "name-not-a-string", "\"name\":\"dense_1\"", "\"name\":null" },
        { "config-not-an-object", "\"config\":{\"rate\":0.25}", "\"config\":[0.25]" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_file_describing_an_impossible_model_gives_a_model_file_error_naming_the_file(string name, string find, string replace)
    {
        string path = Path.Combine(_folder, name + ".rnnonnx");
        File.WriteAllBytes(path, Edit(SavedModel(), find, replace));

        var e = Assert.Throws<ModelFileException>(() => Sequential.Load(path));
        Assert.Contains(name + ".rnnonnx", e.Message);
    }

    [Fact]
    public void The_unedited_file_loads()
    {
        string path = Path.Combine(_folder, "good.rnnonnx");
        File.WriteAllBytes(path, Edit(SavedModel(), "\"rate\":0.25", "\"rate\":0.25"));
        Assert.Equal(4, Sequential.Load(path).Layers.Count);
    }
}
