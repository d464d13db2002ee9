using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Faults;

/// <summary>
/// `rnnonnx train` killed as a child process: SIGKILL after a checkpoint, at seeded moments (including inside the
/// checkpoint and final writes), and SIGTERM/SIGINT. After any of them the model file is absent or complete, resuming
/// (or re-running) ends with the bytes of an uninterrupted run, and no temporary file survives the next run.
/// </summary>
public sealed class KillTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-kill-").FullName;
    private const int Seconds = 60;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A tiny recipe (about 0.3 s an epoch) and its text, in a fresh folder; returns the recipe path.</summary>
    /// <summary>A text-model recipe; <paramref name="epochs"/> is raised where a test must act while training still runs.</summary>
    internal static string Recipe(string folder, int epochs = 4)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(15);
        string[] words = "in the beginning god created the heaven and the earth and the earth was without form and void".Split(' ');
        File.WriteAllText(Path.Combine(folder, "t.txt"), string.Join(' ', Enumerable.Range(0, 1000).Select(_ => words[random.Next(words.Length)])));
        string recipe = Path.Combine(folder, "r.json");
        File.WriteAllText(recipe, """{"task":"generate","data":"t.txt","architecture":{"embedding":8,"units":32,"layers":1},"lr":0.02,"epochs":""" + epochs + ""","batch":16,"window":16,"seed":4,"validation":0.1}""");
        return recipe;
    }

    /// <summary>The uninterrupted runs' models by epochs, each trained once for all tests (in-process: the same code as the child).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<byte[]>> ReferenceModels = new();

    internal static byte[] Reference(int epochs = 4) => ReferenceModels.GetOrAdd(epochs, e => new Lazy<byte[]>(() =>
    {
        string folder = Directory.CreateTempSubdirectory("rnnonnx-kill-reference-").FullName;
        try
        {
            var r = Run("train", "--recipe", Recipe(folder, e), "--out", Path.Combine(folder, "m.onnx"));
            Assert.True(r.Exit == 0, r.Error);
            return File.ReadAllBytes(Path.Combine(folder, "m.onnx"));
        }
        finally { Directory.Delete(folder, recursive: true); }
    })).Value;

    internal static void AssertAbsentOrComplete(string model, byte[] reference) =>
        Assert.True(!File.Exists(model) || File.ReadAllBytes(model).AsSpan().SequenceEqual(reference), $"'{model}' is partial or not the uninterrupted run's model");

    /// <summary>Resumes from the checkpoint when there is one (else trains again; in-process, to keep the tests short) and checks the end state.</summary>
    internal static void FinishAndCompare(string folder, string recipe, byte[] reference)
    {
        string model = Path.Combine(folder, "m.onnx"), checkpoint = model + ".ckpt";
        var r = File.Exists(checkpoint)
            ? Run("train", "--recipe", recipe, "--out", model, "--resume", checkpoint)
            : Run("train", "--recipe", recipe, "--out", model);
        Assert.True(r.Exit == 0, r.Error);
        Assert.Equal(reference, File.ReadAllBytes(model));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Kill_9_after_a_checkpoint_then_resume_ends_with_the_uninterrupted_model()
    {
        var reference = Reference();
        string folder = Path.Combine(_folder, "a");
        string recipe = Recipe(folder), model = Path.Combine(folder, "m.onnx");
        using (var child = ChildCli.Start(folder, "train", "--recipe", recipe, "--out", model))
        {
            Assert.True(child.WaitUntil(() => File.Exists(model + ".ckpt")), "no checkpoint was written");
            child.Kill9();
        }
        Assert.False(File.Exists(model), "the model was written before training ended");
        FinishAndCompare(folder, recipe, reference);
    }

    [Fact]
    public void Kill_9_at_seeded_moments_never_leaves_a_partial_model_and_resumes_exactly()
    {
        var reference = Reference();
        var random = new Random(1515);
        // Moments from process start-up to past the final write (an uninterrupted child run takes about 2 s here).
        for (int i = 0; i < 3; i++)
        {
            int delay = random.Next(200, 2500);
            string folder = Path.Combine(_folder, $"seeded{i}");
            string recipe = Recipe(folder), model = Path.Combine(folder, "m.onnx");
            using (var child = ChildCli.Start(folder, "train", "--recipe", recipe, "--out", model))
            {
                Thread.Sleep(delay);
                child.Kill9();
            }
            AssertAbsentOrComplete(model, reference);
            FinishAndCompare(folder, recipe, reference);
        }
    }
}

/// <summary>SIGKILL inside a write, and SIGTERM/SIGINT (a class of its own so that xUnit runs it beside <see cref="KillTests"/>).</summary>
public sealed class KillInWriteTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-kill-").FullName;
    private const int Seconds = 60;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Recipe(string folder) => KillTests.Recipe(folder);
    private static byte[] Reference() => KillTests.Reference();
    internal static void AssertAbsentOrComplete(string model, byte[] reference) => KillTests.AssertAbsentOrComplete(model, reference);
    private static void FinishAndCompare(string folder, string recipe, byte[] reference) => KillTests.FinishAndCompare(folder, recipe, reference);

    [Theory]
    [InlineData(".m.onnx.ckpt.")] // inside a checkpoint write
    [InlineData(".m.onnx.")]      // inside the final model write (the checkpoint's temporaries also start so: see below)
    public void Kill_9_inside_a_write_leaves_the_old_file_and_the_next_run_removes_the_temporary(string prefix)
    {
        var reference = Reference();
        string folder = Path.Combine(_folder, "write" + prefix.Length);
        string recipe = Recipe(folder), model = Path.Combine(folder, "m.onnx");
        bool final = prefix == ".m.onnx.";
        bool Writing() => Directory.EnumerateFiles(folder, prefix + "*.tmp")
            .Any(f => !final || !Path.GetFileName(f).StartsWith(".m.onnx.ckpt.", StringComparison.Ordinal));
        using (var child = ChildCli.Start(folder, "train", "--recipe", recipe, "--out", model))
        {
            // The temporary may be renamed before the poll sees it; then the kill lands just after the write, which is
            // as valid a moment (the assertions below hold either way).
            child.WaitUntil(Writing, spin: true);
            child.Kill9();
        }
        AssertAbsentOrComplete(model, reference);
        FinishAndCompare(folder, recipe, reference);
    }

    [Theory]
    [InlineData("TERM", "SIGTERM")]
    [InlineData("INT", "Ctrl+C")]
    public void A_first_SIGTERM_or_SIGINT_stops_at_a_safe_point_with_exit_1_and_a_checkpoint(string signal, string named)
    {
        // 16 epochs: the signal must land while training runs, even when a loaded machine delays it by seconds.
        const int Epochs = 16;
        var reference = KillTests.Reference(Epochs);
        string folder = Path.Combine(_folder, signal);
        string recipe = KillTests.Recipe(folder, Epochs), model = Path.Combine(folder, "m.onnx");
        (int Exit, string Output, string Error) r;
        using (var child = ChildCli.Start(folder, "train", "--recipe", recipe, "--out", model))
        {
            Assert.True(child.WaitUntil(() => child.Output.Contains("epoch 1/", StringComparison.Ordinal)), "training did not start");
            child.Signal(signal);
            r = child.Wait(Seconds);
        }
        Assert.Equal(1, r.Exit);
        Assert.Contains($"training stopped ({named}); checkpoint saved at {model}.ckpt", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(model));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        FinishAndCompare(folder, recipe, reference);
    }
}
