using System.Text.Json;

namespace RnnOnnx.Onnx.Tests.Import;

/// <summary>
/// The PyTorch-made models of tools/parity/torch_export.py, generated once per test run into a temporary folder
/// (one Python call, ~4 s) rather than committed as binaries.
/// </summary>
public sealed class TorchModels : IDisposable
{
    /// <summary>Models the importer must map, as the script names them.</summary>
    public static readonly string[] Supported =
    [
        "lstm-full", "lstm-last-stacked", "lstm-last-timemajor", "lstm-full-timemajor", "lstm-bi-full-stacked", "lstm-bi-hn",
        "lstm-hn-stacked", "lstm-mlp-head", "lstm-with-state", "lstm-reshape-head", "gru-full-stacked-tanh", "gru-last",
        "gru-bi-full-timemajor", "gru-last-softmax", "rnn-tanh-last-stacked", "rnn-relu-full-sigmoid", "rnn-relu-bi-hn", "lstm-state-inputs",
        "gru-bi-state-input", "lstm-last-opset11", "gru-bi-hn-opset9", "embedding-lstm",
    ];

    /// <summary>Models the importer must refuse with a typed error.</summary>
    public static readonly string[] Unsupported = ["lstm-bi-last"];

    public TorchModels()
    {
        Folder = Directory.CreateTempSubdirectory("rnnonnx-torch-").FullName;
        var (exit, output, error) = PythonTool.Run("torch_export.py", [Folder]);
        Assert.True(exit == 0, $"torch_export.py failed:\n{output}\n{error}");
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "index.json")));
        Names = index.RootElement.GetProperty("models").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public string Folder { get; }

    public IReadOnlyList<string> Names { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    public TorchCase Load(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        var root = json.RootElement;
        return new TorchCase(
            name,
            File.ReadAllBytes(Path.Combine(Folder, name + ".onnx")),
            ReadTensor(root.GetProperty("input")),
            ReadTensor(root.GetProperty("output")),
            root.GetProperty("ids").GetBoolean(),
            root.GetProperty("batch_first").GetBoolean(),
            root.GetProperty("states").EnumerateArray().ToDictionary(
                s => s.GetProperty("name").GetString()!,
                s => Tensor.Zeros(s.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray())));
    }

    private static Tensor ReadTensor(JsonElement e) => new(
        e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
        e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
}

/// <summary>One exported PyTorch model with an input (ids as whole-number floats), zero initial states if it takes them, and PyTorch's output.</summary>
public sealed record TorchCase(string Name, byte[] Onnx, Tensor Input, Tensor Output, bool Ids, bool BatchFirst, Dictionary<string, Tensor> States)
{
    /// <summary>The inputs as ONNX Runtime takes them (int64 ids or floats, and the zero states).</summary>
    public Dictionary<string, object> Feed()
    {
        var feed = States.ToDictionary(s => s.Key, s => (object)s.Value);
        feed["input"] = Ids ? OrtRunner.Ids(Input) : Input;
        return feed;
    }
}

[CollectionDefinition(Name)]
public sealed class TorchModelsGroup : ICollectionFixture<TorchModels>
{
    public const string Name = "PyTorch-made ONNX models";
}
