using System.Diagnostics;
using RnnOnnx.Serialization;

namespace RnnOnnx.Tests.Serialization;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_file_is_replaced_whole_and_no_temporary_file_stays()
    {
        File.WriteAllText(P("out.txt"), "old");
        AtomicFile.WriteAllBytes(P("out.txt"), "new"u8);
        Assert.Equal("new", File.ReadAllText(P("out.txt")));
        Assert.Equal(["out.txt"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failing_writer_leaves_the_old_file_and_no_temporary_file()
    {
        File.WriteAllText(P("out.txt"), "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(P("out.txt"), s => { s.Write("half"u8); throw new InvalidOperationException("boom"); }));
        Assert.Equal("old", File.ReadAllText(P("out.txt")));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_symbolic_link_is_written_through_and_stays_a_link()
    {
        Directory.CreateDirectory(P("real"));
        File.WriteAllText(P("real/target.txt"), "old");
        File.CreateSymbolicLink(P("link.txt"), P("real/target.txt"));
        File.CreateSymbolicLink(P("link2.txt"), P("link.txt"));
        AtomicFile.WriteAllBytes(P("link2.txt"), "new"u8);
        Assert.Equal("new", File.ReadAllText(P("real/target.txt")));
        Assert.NotNull(new FileInfo(P("link.txt")).LinkTarget);
        Assert.NotNull(new FileInfo(P("link2.txt")).LinkTarget);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_dangling_link_creates_its_target()
    {
        File.CreateSymbolicLink(P("link.txt"), P("made.txt"));
        AtomicFile.WriteAllBytes(P("link.txt"), "x"u8);
        Assert.Equal("x", File.ReadAllText(P("made.txt")));
        Assert.NotNull(new FileInfo(P("link.txt")).LinkTarget);
    }

    [Fact]
    public void A_folder_is_refused_naming_it()
    {
        var e = Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllBytes(_dir, "x"u8));
        Assert.Contains("is a folder", e.Message, StringComparison.Ordinal);
        Assert.Contains(_dir, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_is_written_directly_not_replaced()
    {
        Require.Linux();
        AtomicFile.WriteAllBytes("/dev/null", "discarded"u8);
        Assert.True(File.Exists("/dev/null"));
        Assert.Empty(Directory.GetFiles("/dev", ".null.*.tmp"));
    }

    [Fact]
    public async Task A_named_pipe_is_written_directly()
    {
        Require.Linux();
        string fifo = P("pipe");
        using (var mk = Process.Start("mkfifo", fifo)) mk.WaitForExit();
        var reader = Task.Run(() => File.ReadAllText(fifo));
        AtomicFile.WriteAllBytes(fifo, "through the pipe"u8);
        Assert.Equal("through the pipe", await reader.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Temporary_files_of_dead_writers_are_removed_by_the_next_write()
    {
        string dead = P($".out.txt.{int.MaxValue - 7}.{Guid.NewGuid():N}.tmp");
        string mine = P($".out.txt.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string other = P($".other.txt.{int.MaxValue - 7}.{Guid.NewGuid():N}.tmp");
        foreach (var f in new[] { dead, mine, other }) File.WriteAllText(f, "partial");
        AtomicFile.WriteAllBytes(P("out.txt"), "x"u8);
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(mine));   // this process may still be writing it
        Assert.True(File.Exists(other));  // another target's: its own next write cleans it
    }
}

/// <summary>Tests of Linux files (devices, FIFOs) fail elsewhere instead of passing without checking anything.</summary>
internal static class Require
{
    public static void Linux()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("This test needs Linux (CI runs on Linux).");
    }
}
