using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RnnOnnx.Architecture.Tests;

/// <summary>
/// The one-way flow of the README's diagram, read from the project files themselves: Core → Onnx → Runtime →
/// products → ML.NET layer / CLI / Server. A reference that is not in the table below fails, and so does any
/// InternalsVisibleTo from a src assembly to something that is not a test (or a never-shipped benchmark in tools/bench).
/// </summary>
public sealed partial class DependencyGraphTests
{
    /// <summary>
    /// Each src project's level in the flow. A project may reference only projects of a lower level (any of them:
    /// the CLI's inspect command reads ONNX files directly), never one of its own level (products do not use each
    /// other, the ML.NET layer and the server do not use each other) or above.
    /// </summary>
    private static readonly Dictionary<string, int> Level = new()
    {
        ["RnnOnnx.Core"] = 0,
        ["RnnOnnx.Onnx"] = 1,
        ["RnnOnnx.Runtime"] = 2,
        ["RnnOnnx.Forecasting"] = 3,
        ["RnnOnnx.Text"] = 3,
        ["RnnOnnx.Captioning"] = 3,
        ["RnnOnnx.Motor"] = 3,
        ["RnnOnnx.ML"] = 4,
        ["RnnOnnx.Server"] = 4,
        ["RnnOnnx.Cli"] = 5,
    };

    /// <summary>Only the ML.NET layer may bring ML.NET in; ONNX Runtime (Microsoft.ML.OnnxRuntime) is not ML.NET.</summary>
    private static readonly HashSet<string> MayUseMlNet = ["RnnOnnx.ML"];

    private static IEnumerable<string> Projects(string folder) =>
        Directory.EnumerateFiles(Repository.File(folder), "*.csproj", SearchOption.AllDirectories).Where(p => !p.Contains("/obj/", StringComparison.Ordinal));

    private static string Name(string csproj) => Path.GetFileNameWithoutExtension(csproj);

    private static IEnumerable<string> Includes(XDocument project, string item) =>
        project.Descendants(item).Select(e => (string?)e.Attribute("Include") ?? "").Where(s => s.Length > 0);

    [Fact]
    public void Every_src_project_is_in_the_table()
    {
        var names = Projects("src").Select(Name).Order().ToList();
        Assert.Equal(Level.Keys.Order().ToList(), names);
    }

    [Fact]
    public void Src_projects_reference_only_what_the_flow_allows()
    {
        foreach (var csproj in Projects("src"))
        {
            var project = XDocument.Load(csproj);
            var references = Includes(project, "ProjectReference").Select(r => Name(r.Replace('\\', '/'))).ToList();
            var upward = references.Where(r => Level[r] >= Level[Name(csproj)]).ToList();
            Assert.True(upward.Count == 0, $"{Name(csproj)} references {string.Join(", ", upward)}, against the one-way flow.");
        }
    }

    [Fact]
    public void Only_the_ML_layer_references_ML_NET()
    {
        foreach (var csproj in Projects("src").Where(p => !MayUseMlNet.Contains(Name(p))))
        {
            var packages = Includes(XDocument.Load(csproj), "PackageReference")
                .Where(p => p.StartsWith("Microsoft.ML", StringComparison.Ordinal) && !p.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal)).ToList();
            Assert.True(packages.Count == 0, $"{Name(csproj)} references {string.Join(", ", packages)}: only RnnOnnx.ML may use ML.NET.");
        }
    }

    [Fact]
    public void No_src_assembly_opens_its_internals_to_another_src_assembly()
    {
        foreach (var csproj in Projects("src"))
        {
            var friends = Includes(XDocument.Load(csproj), "InternalsVisibleTo").ToList();
            var bad = friends.Where(f => !f.EndsWith(".Tests", StringComparison.Ordinal) && !f.EndsWith(".Bench", StringComparison.Ordinal)).ToList();
            Assert.True(bad.Count == 0, $"{Name(csproj)} opens its internals to {string.Join(", ", bad)}.");
        }
        var inSource = Directory.EnumerateFiles(Repository.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && File.ReadAllText(f).Contains("InternalsVisibleTo", StringComparison.Ordinal)).ToList();
        Assert.Empty(inSource);
    }

    [Fact]
    public void No_src_file_uses_ONNX_Runtime_legacy_value_API()
    {
        var legacy = Directory.EnumerateFiles(Repository.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && LegacyApi().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(Repository.Root, f)).ToList();
        Assert.True(legacy.Count == 0, "NamedOnnxValue/DenseTensor in " + string.Join(", ", legacy));
    }

    [Fact]
    public void Every_project_is_in_the_solution_and_test_projects_mirror_src()
    {
        string solution = File.ReadAllText(Repository.File("RnnOnnx.sln"));
        foreach (var csproj in Projects("src").Concat(Projects("tests")).Concat(Projects("tools")))
            Assert.Contains(Path.GetRelativePath(Repository.Root, csproj).Replace('/', '\\'), solution, StringComparison.Ordinal);
        var tests = Projects("tests").Select(Name).ToHashSet();
        foreach (var name in Projects("src").Select(Name))
            Assert.True(tests.Contains(name + ".Tests"), $"{name} has no test project {name}.Tests.");
    }

    [GeneratedRegex(@"\b(NamedOnnxValue|DenseTensor)\b")]
    private static partial Regex LegacyApi();
}
