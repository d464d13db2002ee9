using System.Security.Cryptography;
using System.Text.Json;

namespace RnnOnnx.ML.Tests;

/// <summary>Every shipped model card names the files it describes by hash: a rebuilt model with a stale card fails here.</summary>
public class ModelCardTests
{
    public static TheoryData<string> Cards()
    {
        var data = new TheoryData<string>();
        foreach (var card in Directory.GetFiles(Repository.File("models"), "*.json", SearchOption.AllDirectories).Order())
            if (Path.GetFileName(card) != "recipe.json") data.Add(Path.GetRelativePath(Repository.Root, card));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cards))]
    public void Card_hashes_match_the_shipped_files(string card)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Repository.File(card)));
        var root = json.RootElement;
        Assert.True(root.TryGetProperty("sha256", out var hashes), $"{card} has no sha256");
        var expected = hashes.ValueKind == JsonValueKind.String
            ? new Dictionary<string, string> { [root.GetProperty("model").GetString()!] = hashes.GetString()! }
            : hashes.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.NotEmpty(expected);
        string folder = Path.GetDirectoryName(Repository.File(card))!;
        foreach (var (file, hash) in expected)
        {
            string path = Path.Combine(folder, file);
            Assert.True(File.Exists(path), $"{card} describes {file}, which is not beside it");
            Assert.True(hash == Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), $"{card}: {file} is not the file whose sha256 the card gives");
        }
    }
}
