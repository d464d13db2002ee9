using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnOnnx.Architecture.Tests;

/// <summary>
/// Every ```csharp block of the READMEs compiles exactly as printed, <c>using</c> lines included, as the
/// <c>Program.cs</c> of a new console project (<c>dotnet new console</c>: top-level statements, nullable on and the
/// SDK's implicit usings) that references our libraries and ML.NET. A block may end with type declarations (the row
/// classes of an ML.NET example). Nothing is run: the examples read files users have.
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    /// <summary>The implicit usings of Microsoft.NET.Sdk console projects.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var readme in Readmes())
            foreach (var (line, _) in Blocks(readme))
                data.Add(Path.GetRelativePath(Repository.Root, readme), line);
        return data;
    }

    private static IEnumerable<string> Readmes() =>
        new[] { Repository.File("README.md") }.Concat(
            Directory.EnumerateFiles(Repository.File("src"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));

    private static IEnumerable<(int Line, string Code)> Blocks(string readme)
    {
        var lines = File.ReadAllLines(readme);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            yield return (start + 1, string.Join('\n', lines[start..end]));
            i = end;
        }
    }

    [Fact]
    public void The_READMEs_have_examples() => Assert.True(Examples().Count >= 8, $"only {Examples().Count} C# examples found");

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_compiles_as_printed(string readme, int line)
    {
        string code = Blocks(Repository.File(readme)).Single(b => b.Line == line).Code;
        var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable);
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create("ReadmeExample",
            [CSharpSyntaxTree.ParseText(code, parse, path: $"{readme}:{line}"), CSharpSyntaxTree.ParseText(ImplicitUsings, parse)],
            References.Value, options);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{readme}, example at line {line}:\n" + string.Join('\n', errors.Select(e =>
            $"  line {line + e.Location.GetLineSpan().StartLinePosition.Line}: {e.Id} {e.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")));
    }

    /// <summary>The framework and every assembly beside the tests (ours, ML.NET, ONNX Runtime, SkiaSharp).</summary>
    private static readonly Lazy<List<MetadataReference>> References = new(() =>
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Where(p => !TestInfrastructure().IsMatch(Path.GetFileName(p)));
        return framework.Concat(local).GroupBy(Path.GetFileName).Select(g => (MetadataReference)MetadataReference.CreateFromFile(g.First())).ToList();
    });

    [GeneratedRegex(@"^(xunit|Microsoft\.CodeAnalysis|Microsoft\.TestPlatform|Microsoft\.VisualStudio|testhost|RnnOnnx\.Architecture\.Tests)", RegexOptions.IgnoreCase)]
    private static partial Regex TestInfrastructure();
}
