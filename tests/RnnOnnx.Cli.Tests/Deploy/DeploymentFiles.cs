using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace RnnOnnx.Cli.Tests.Deploy;

/// <summary>Reads deploy/: the Dockerfile's instructions (line parsing with continuations) and YAML documents (YamlDotNet).</summary>
internal static class DeploymentFiles
{
    public static string Path(params string[] parts) => Repository.File(["deploy", .. parts]);

    /// <summary>Instructions as (KEYWORD, arguments), continuation lines joined, comments and blank lines dropped.</summary>
    public static List<(string Keyword, string Arguments)> Dockerfile()
    {
        var instructions = new List<(string, string)>();
        string pending = "";
        foreach (var raw in File.ReadAllLines(Path("Dockerfile")))
        {
            string line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#'))) continue;
            if (line.EndsWith('\\')) { pending += line[..^1].Trim() + " "; continue; }
            line = (pending + line).Trim();
            pending = "";
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0 ? (line.ToUpperInvariant(), "") : (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()));
        }
        Assert.True(pending.Length == 0, "the Dockerfile ends in a continuation line");
        return instructions;
    }

    /// <summary>An exec-form (JSON array) argument list, e.g. of ENTRYPOINT or CMD.</summary>
    public static string[] ExecForm(string arguments)
    {
        Assert.True(arguments.StartsWith('['), $"not exec form (JSON array): {arguments}");
        return JsonSerializer.Deserialize<string[]>(arguments)!;
    }

    /// <summary>Every YAML document of a file, as nested dictionaries and lists.</summary>
    public static List<Dictionary<object, object>> Yaml(params string[] parts)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StringReader(File.ReadAllText(Path(parts)));
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _)) documents.Add(deserializer.Deserialize<Dictionary<object, object>>(parser));
        return documents;
    }

    /// <summary>Follows a path of map keys and list indexes.</summary>
    public static object At(object node, params object[] path)
    {
        foreach (var step in path)
        {
            node = step switch
            {
                string key => ((Dictionary<object, object>)node).TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"no '{key}'"),
                int index => ((List<object>)node)[index],
                _ => throw new ArgumentException("string keys and int indexes only"),
            };
        }
        return node;
    }

    public static string Str(object node, params object[] path) => (string)At(node, path);

    public static List<object> List(object node, params object[] path) => (List<object>)At(node, path);
}
