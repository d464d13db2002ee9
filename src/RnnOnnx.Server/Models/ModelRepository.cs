using System.Globalization;
using System.Text.RegularExpressions;

namespace RnnOnnx.Server.Models;

/// <summary>One model file the repository offers: its served name, version and path.</summary>
internal sealed record RepositoryEntry(string Name, long Version, string File);

/// <summary>
/// Finds the models of a models folder, searched recursively, in two layouts that may be mixed:
/// <list type="bullet">
/// <item>Triton's: a folder <c>NAME/</c> with numeric version folders <c>NAME/VERSION/model.onnx</c> (and an optional
/// <c>NAME/config.pbtxt</c>): model <c>NAME</c>, every version served, the newest by default. Version folders follow
/// Triton: digits only, no leading zero. Of <c>config.pbtxt</c> only a top-level <c>name: "..."</c> line is read (by a
/// line match, not a protobuf parser); when it differs from the folder name a warning is logged and the folder name
/// is used, as Triton requires them to be equal. Its <c>version_policy</c> is not read: every version is served.</item>
/// <item>Plain <c>.onnx</c> files anywhere else: version 1 of the model named by the path relative to the models
/// folder without the extension, '/' replaced by '.' (<c>forecast/airpassengers.onnx</c> → <c>forecast.airpassengers</c>).</item>
/// </list>
/// Two entries with the same name and version are resolved by the ordinal order of their paths: the first is kept,
/// the others are reported (and logged by the catalog).
/// </summary>
internal static partial class ModelRepository
{
    [GeneratedRegex("^[1-9][0-9]{0,17}$")]
    private static partial Regex VersionFolder();

    [GeneratedRegex("^name\\s*:\\s*\"([^\"]*)\"\\s*(#.*)?$")]
    private static partial Regex NameLine();

    public static (IReadOnlyList<RepositoryEntry> Entries, IReadOnlyList<string> Problems) Scan(string root)
    {
        var found = new List<RepositoryEntry>();
        var problems = new List<string>();
        Walk(Path.GetFullPath(root), Path.GetFullPath(root), found, problems);
        var kept = new List<RepositoryEntry>();
        foreach (var group in found.GroupBy(e => (e.Name, e.Version)))
        {
            var ordered = group.OrderBy(e => e.File, StringComparer.Ordinal).ToList();
            kept.Add(ordered[0]);
            foreach (var other in ordered.Skip(1))
                problems.Add($"{other.File} would also be model '{other.Name}' version {other.Version}; serving {ordered[0].File} under that name and skipping this file.");
        }
        return (kept.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Version).ToList(), problems);
    }

    public static (long Length, DateTime Written) Fingerprint(string file)
    {
        try
        {
            var info = new FileInfo(file);
            return (info.Length, info.LastWriteTimeUtc);
        }
        catch (IOException)
        {
            return (-1, DateTime.MinValue);
        }
    }

    private static void Walk(string root, string folder, List<RepositoryEntry> found, List<string> problems)
    {
        string[] files, folders;
        try
        {
            files = Directory.GetFiles(folder, "*.onnx");
            folders = Directory.GetDirectories(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"Cannot read folder {folder}: {e.Message}");
            return;
        }
        Array.Sort(files, StringComparer.Ordinal);
        Array.Sort(folders, StringComparer.Ordinal);
        foreach (var file in files)
        {
            string relative = Path.GetRelativePath(root, file);
            string name = relative[..^".onnx".Length].Replace(Path.DirectorySeparatorChar, '.').Replace('/', '.');
            found.Add(new RepositoryEntry(name, 1, file));
        }
        foreach (var sub in folders)
        {
            var versions = Directory.GetDirectories(sub)
                .Where(v => VersionFolder().IsMatch(Path.GetFileName(v)) && File.Exists(Path.Combine(v, "model.onnx")))
                .ToList();
            bool triton = versions.Count > 0 || File.Exists(Path.Combine(sub, "config.pbtxt"));
            if (!triton)
            {
                Walk(root, sub, found, problems);
                continue;
            }
            string name = Path.GetFileName(sub);
            if (ConfigName(Path.Combine(sub, "config.pbtxt")) is { } configured && configured != name)
                problems.Add($"{Path.Combine(sub, "config.pbtxt")} names the model '{configured}', but Triton requires the folder's name; serving it as '{name}'.");
            foreach (var version in versions)
                found.Add(new RepositoryEntry(name, long.Parse(Path.GetFileName(version), CultureInfo.InvariantCulture), Path.Combine(version, "model.onnx")));
        }
    }

    /// <summary>The top-level <c>name: "..."</c> line of a config.pbtxt (not indented), or null.</summary>
    private static string? ConfigName(string config)
    {
        if (!File.Exists(config)) return null;
        try
        {
            foreach (var line in File.ReadLines(config))
                if (NameLine().Match(line.TrimEnd()) is { Success: true } match) return match.Groups[1].Value;
        }
        catch (IOException) { }
        return null;
    }
}
