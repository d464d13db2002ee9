using System.CommandLine;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli;

/// <summary>
/// Options that name an output file: the user's text is kept as given (never turned into a full path, which makes
/// "-" the file "/cwd/-") and handed to <see cref="AtomicFile"/>, so every output accepts <c>-</c> and
/// <c>/dev/stdout</c> for standard output, writes symbolic links through, writes devices and pipes directly, and
/// refuses a folder naming it.
/// </summary>
internal static class CliPaths
{
    /// <summary>An option naming an output file.</summary>
    public static Option<string?> Output(string name, string description, bool required = false) =>
        new(name) { Description = description, Required = required };

    /// <summary>Whether <paramref name="path"/> writes to standard output (<c>-</c>, <c>/dev/stdout</c>).</summary>
    public static bool IsStandardOutput(string? path) =>
        path is not null && (path == AtomicFile.StandardOutput || path is "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1");

    /// <summary>Says where an output went; nothing for standard output, where the output itself is.</summary>
    public static void Wrote(TextWriter log, string path)
    {
        if (!IsStandardOutput(path)) log.WriteLine($"wrote {path}");
    }
}
