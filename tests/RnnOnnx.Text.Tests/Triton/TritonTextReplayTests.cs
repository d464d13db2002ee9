using RnnOnnx.Onnx.Triton;
using RnnOnnx.Tests.Triton;

namespace RnnOnnx.Text.Tests.Triton;

/// <summary>
/// The shipped character model exported for Triton and replayed as Triton's sequence batcher runs it: greedy
/// decoding, one request per character, gives exactly <see cref="TextGenerator"/>'s text; START restarts a sequence.
/// </summary>
public sealed class TritonTextReplayTests
{
    [Fact]
    public void Triton_replay_generates_the_same_greedy_text_and_START_restarts()
    {
        string path = Repository.File("models", "textgen", "kjv-char.onnx");
        using var generator = TextGenerator.Load(path, warn: _ => { });
        string repo = Path.Combine(Path.GetTempPath(), $"rnnonnx-triton-{Guid.NewGuid():N}");
        try
        {
            var export = TritonExporter.Export(File.ReadAllBytes(path), repo, new TritonExportOptions { Name = "kjv" });
            using var triton = new TritonSequenceEmulator(export.Directory) { GarbageOnStart = true };
            foreach (string prompt in new[] { "In the beginning ", "And the LORD said", "In the beginning " })
            {
                string want = generator.Generate(prompt, 60, new SamplingOptions { Temperature = 0 });
                var ids = generator.PromptIds(prompt).Select(i => (long)i).ToArray();
                var logits = triton.Infer("input", ids, [1, ids.Length], start: true)["output"];
                var text = new System.Text.StringBuilder();
                int classes = generator.Vocabulary.Count;
                for (int i = 0; i < 60; i++)
                {
                    int id = CharSampler.ArgMax(logits.AsSpan(logits.Length - classes));
                    text.Append(generator.Vocabulary.Decode(id));
                    if (i + 1 < 60) logits = triton.Infer("input", new[] { (long)id }, [1, 1], start: false)["output"];
                }
                Assert.Equal(want, text.ToString());
            }
        }
        finally
        {
            if (Directory.Exists(repo)) Directory.Delete(repo, true);
        }
    }
}
