using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RnnOnnx.Serialization;

/// <summary>
/// Writes an output so that nothing is ever half written or replaced by mistake:
/// <list type="bullet">
/// <item>a regular file (or a new path) gets its data in a temporary file beside it, flushed to disk, then renamed over
/// it, so readers see the old content or the complete new one;</item>
/// <item>a symbolic link is written through: the file it finally points to is replaced the same way, and the link stays;</item>
/// <item>a device, pipe or socket (<c>/dev/stdout</c>, <c>/dev/null</c>, a FIFO) is written directly, never replaced;</item>
/// <item><c>-</c> is standard output;</item>
/// <item>a folder is refused.</item>
/// </list>
/// Temporary files are named <c>.NAME.PID.GUID.tmp</c>; a writer removes its own on failure, and the next write to
/// the same target removes those whose process is gone (killed mid-write), so they do not pile up.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>The path that means standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure a file target is untouched.</summary>
    /// <exception cref="OutputPathException">The path is a folder, or it cannot be written (the message says why).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        if (path == StandardOutput || Path.GetFullPath(path) is "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1")
        {
            using var stdout = Console.OpenStandardOutput();
            write(stdout);
            stdout.Flush();
            return;
        }
        string given = Path.GetFullPath(path);
        if (Directory.Exists(given)) throw new OutputPathException($"'{path}' is a folder; name a file to write.");
        var (full, special) = Resolve(given, path);
        if (special || (File.Exists(full) && !IsRegularFile(full)))
        {
            WriteDirectly(given, path, write);
            return;
        }
        string folder = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException($"'{path}' cannot be written: its folder '{folder}' cannot be made ({e.Message}).", e);
        }
        RemoveAbandonedTemporaries(folder, name);
        string temp = Path.Combine(folder, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException)
                throw new OutputPathException($"'{path}' cannot be written: {e.Message}", e);
            throw;
        }
    }

    /// <summary>Writes all bytes, as <see cref="Write"/> does.</summary>
    /// <exception cref="OutputPathException">As for <see cref="Write"/>.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>
    /// The final target of a chain of symbolic links (the path itself when it is none), and whether the chain passes
    /// through /dev or /proc: <c>/dev/stdout</c> → <c>/proc/self/fd/1</c> → a pipe, a terminal, or the file the shell
    /// redirected to — which must be written through the open descriptor, not replaced.
    /// </summary>
    private static (string Target, bool Special) Resolve(string full, string path)
    {
        bool special = IsSpecialPath(full);
        try
        {
            string current = full;
            for (int hop = 0; hop < 40; hop++)
            {
                string? link = new FileInfo(current).LinkTarget;
                if (link is null) return (current, special);
                current = Path.GetFullPath(link, Path.GetDirectoryName(current)!);
                special |= IsSpecialPath(current);
            }
            throw new OutputPathException($"'{path}' is a chain of more than 40 symbolic links.");
        }
        catch (IOException e)
        {
            throw new OutputPathException($"'{path}' is a symbolic link that cannot be followed ({e.Message}).", e);
        }
    }

    private static bool IsSpecialPath(string full) =>
        full.StartsWith("/dev/fd/", StringComparison.Ordinal) || full.StartsWith("/dev/std", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal);

    private static void WriteDirectly(string full, string path, Action<Stream> write)
    {
        try
        {
            // A regular file reached through a descriptor (/dev/fd/N after a shell redirect) is appended to, as the
            // descriptor itself would be; a device or pipe has no position.
            var mode = IsRegularFile(full) ? FileMode.Append : FileMode.Open;
            using var stream = new FileStream(full, mode, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
            write(stream);
            stream.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException($"'{path}' cannot be written: {e.Message}", e);
        }
    }

    /// <summary>Removes this target's temporary files whose writer process no longer runs.</summary>
    private static void RemoveAbandonedTemporaries(string folder, string name)
    {
        string[] candidates;
        try { candidates = Directory.GetFiles(folder, $".{name}.*.tmp"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var file in candidates)
        {
            string middle = Path.GetFileName(file)[(name.Length + 2)..^4];   // PID.GUID
            int dot = middle.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || middle.Length - dot - 1 != 32 || !int.TryParse(middle.AsSpan(0, dot), out int pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>
    /// True for a regular file. .NET's public API does not tell a device or FIFO from a file, so on Unix this asks
    /// the runtime's own portable stat (System.Native, whose FileStatus carries the POSIX type bits in Mode).
    /// </summary>
    private static unsafe bool IsRegularFile(string full)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return true;
        try
        {
            var status = stackalloc byte[256];
            if (Stat(full, status) != 0) return true;
            int mode = *(int*)(status + 4);
            return (mode & 0xF000) == 0x8000;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return !full.StartsWith("/dev/", StringComparison.Ordinal) && !full.StartsWith("/proc/", StringComparison.Ordinal);
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* output);
}
