using RnnOnnx.Cli.Text;
using RnnOnnx.Cli.Training;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Text;

public sealed class TrainGenerateCommandTests : IDisposable
{
    private const string Corpus = "in the beginning was the word, and the word was with god. ";
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnonnx-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Recipe(int epochs, string data = "text.txt", string extra = "")
    {
        string text = Path.Combine(_folder, "text.txt");
        if (!File.Exists(text)) File.WriteAllText(text, string.Concat(Enumerable.Repeat(Corpus, 40)));
        string path = Path.Combine(_folder, $"recipe{epochs}{extra.Length}.json");
        File.WriteAllText(path, $$"""{"task":"generate","data":"{{data}}","architecture":{"embedding":8,"units":48,"layers":1},"lr":0.02,"epochs":{{epochs}},"batch":8,"window":16,"seed":4,"validation":0.15{{extra}}}""");
        return path;
    }

    [Fact]
    public void Train_then_generate_is_deterministic_and_greedy_learns_the_text()
    {
        string model = Path.Combine(_folder, "m.onnx");
        var train = Run("train", "--recipe", Recipe(10), "--out", model);
        Assert.True(train.Exit == 0, train.Error);
        Assert.Matches(@"epoch 10/10  loss \d+\.\d{4}  val_bpc \d+\.\d{4}  \d+ chars/s", train.Output);
        Assert.Contains("validation", train.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(model + ".ckpt"));

        var a = Run("generate", "--model", model, "--prompt", "the word", "--length", "50", "--seed", "3", "--top-k", "4");
        Assert.True(a.Exit == 0, a.Error);
        Assert.StartsWith("the word", a.Output, StringComparison.Ordinal);
        Assert.Equal("the word".Length + 50 + Environment.NewLine.Length, a.Output.Length);
        Assert.Equal(a.Output, Run("generate", "--model", model, "--prompt", "the word", "--length", "50", "--seed", "3", "--top-k", "4").Output);

        var greedy = Run("generate", "--model", model, "--prompt", "in the beginning", "--length", "30", "--temperature", "0");
        Assert.True(greedy.Exit == 0, greedy.Error);
        Assert.Contains(" was ", greedy.Output[16..], StringComparison.Ordinal);
    }

    [Fact]
    public void Resumed_training_exports_the_same_model_as_an_uninterrupted_run()
    {
        string whole = Path.Combine(_folder, "whole.onnx"), part = Path.Combine(_folder, "part.onnx"), resumed = Path.Combine(_folder, "resumed.onnx");
        Assert.Equal(0, Run("train", "--recipe", Recipe(3), "--out", whole).Exit);
        Assert.Equal(0, Run("train", "--recipe", Recipe(1), "--out", part).Exit);
        var r = Run("train", "--recipe", Recipe(3), "--out", resumed, "--resume", part + ".ckpt");
        Assert.True(r.Exit == 0, r.Error);
        Assert.DoesNotContain("epoch 1/3", r.Output, StringComparison.Ordinal);
        Assert.Contains("epoch 3/3", r.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
        Assert.NotEqual(File.ReadAllBytes(whole), File.ReadAllBytes(part));
    }

    [Fact]
    public void Cancelling_mid_epoch_leaves_a_checkpoint_that_resumes_exactly()
    {
        // The same token Ctrl+C cancels in `rnnonnx train`; cancelled right after epoch 2 it stops inside epoch 3.
        var recipe = TextRecipe.Load(Recipe(4));
        string whole = Path.Combine(_folder, "whole.onnx"), cut = Path.Combine(_folder, "cut.onnx");
        recipe.Train(whole, null, new PlainProgress(_ => { }), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            recipe.Train(cut, null, new PlainProgress(line => { if (line.StartsWith("epoch 2/", StringComparison.Ordinal)) cancel.Cancel(); }), cancel.Token));
        Assert.False(File.Exists(cut));
        Assert.True(File.Exists(recipe.CheckpointPath(cut)!));
        var lines = new List<string>();
        recipe.Train(cut, recipe.CheckpointPath(cut)!, new PlainProgress(lines.Add), CancellationToken.None);
        Assert.StartsWith("epoch 3/4", lines[1], StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(cut));

        // A stop asked for before any epoch has finished stops at once and still leaves a checkpoint that resumes exactly.
        string early = Path.Combine(_folder, "early.onnx");
        using var already = new CancellationTokenSource();
        already.Cancel();
        var seen = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() => recipe.Train(early, null, new PlainProgress(seen.Add), already.Token));
        Assert.Single(seen); // only the text line: no epoch ran
        Assert.True(File.Exists(recipe.CheckpointPath(early)!));
        recipe.Train(early, recipe.CheckpointPath(early)!, new PlainProgress(_ => { }), CancellationToken.None);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(early));
    }

    [Fact]
    public void Bad_inputs_get_one_line_naming_the_problem()
    {
        string model = Path.Combine(_folder, "m.onnx");
        File.WriteAllText(Path.Combine(_folder, "empty.txt"), "");
        File.WriteAllBytes(Path.Combine(_folder, "binary.bin"), [0x7F, 0x45, 0x4C, 0x46, 0, 1, 2]);
        File.WriteAllBytes(Path.Combine(_folder, "latin1.txt"), [0x63, 0x61, 0x66, 0xE9, 0x0A]);

        AssertFails(Run("train", "--recipe", Recipe(1, "empty.txt"), "--out", model), "is empty");
        AssertFails(Run("train", "--recipe", Recipe(1, "binary.bin"), "--out", model), "is not a text file (a NUL byte at offset 4)");
        AssertFails(Run("train", "--recipe", Recipe(1, "latin1.txt"), "--out", model), "is not UTF-8 text");
        AssertFails(Run("train", "--recipe", Recipe(1, extra: ",\"dropout\":0.1"), "--out", model), "member 'dropout' is unknown (TextTrainingOptions has no member of that name)");
        Assert.False(File.Exists(model));

        Assert.Equal(0, Run("train", "--recipe", Recipe(1), "--out", model).Exit);
        AssertFails(Run("generate", "--model", model, "--prompt", "In the Beginning"), "'B' (U+0042), 'I' (U+0049)");
        AssertFails(Run("generate", "--model", model, "--top-p", "1.5"), "--top-p must be in (0, 1]");
        AssertFails(Run("generate", "--model", Path.Combine(_folder, "text.txt")), "is not a model ONNX Runtime can load");
    }

    private static void AssertFails((int Exit, string Output, string Error) result, string expected)
    {
        Assert.Equal(1, result.Exit);
        Assert.Equal("", result.Output);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }
}
