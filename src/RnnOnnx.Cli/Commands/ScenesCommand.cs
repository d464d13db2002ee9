using System.CommandLine;
using System.Globalization;
using System.Text;
using RnnOnnx.Captioning;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx scenes --count N --seed S --out DIR [--edges antialiased|aliased|mixed] [--noise none|noisy|mixed]`:
/// writes DIR/scene_00000.png ... and DIR/captions.tsv (file, caption, the right-first reference or empty), the
/// training and test data of the shapes captioner (data/caption/SPEC.md). The same arguments write the same bytes.
/// </summary>
internal static class ScenesCommand
{
    public const string CaptionsFile = "captions.tsv";

    public static Command Create(TextWriter output)
    {
        var count = new Option<int>("--count") { Description = "Number of scenes", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed: the same seed and options give the same scenes", DefaultValueFactory = _ => 0 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for the PNG files and captions.tsv (created if missing)", Required = true };
        var edges = new Option<string>("--edges") { Description = "antialiased, aliased, or mixed (either, per scene)", DefaultValueFactory = _ => "mixed" };
        var noise = new Option<string>("--noise")
        {
            Description = $"none, noisy (Gaussian σ = {SceneSpec.MaxNoiseStandardDeviation}), or mixed (σ uniform in 0..{SceneSpec.MaxNoiseStandardDeviation} per scene)",
            DefaultValueFactory = _ => "mixed",
        };
        var command = new Command("scenes", "Generate shapes-captioning scenes: 64×64 PNG images and their captions.") { count, seed, outDir, edges, noise };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(count);
            if (n < 1) throw new ArgumentException($"--count must be at least 1, got {n}.");
            var rendering = new SceneRendering { Edges = ParseEdges(parse.GetValue(edges)!), Noise = ParseNoise(parse.GetValue(noise)!) };
            string folder = parse.GetValue(outDir)!.FullName;
            var generator = new SceneGenerator(parse.GetValue(seed), rendering);
            var captions = new StringBuilder("file\tcaption\treference2\n");
            for (int i = 0; i < n; i++)
            {
                var scene = generator.NextScene();
                string file = string.Create(CultureInfo.InvariantCulture, $"scene_{i:D5}.png");
                AtomicFile.WriteAllBytes(Path.Combine(folder, file), scene.ToPng());
                string second = scene.References.Count > 1 ? scene.References[1] : "";
                captions.Append(CultureInfo.InvariantCulture, $"{file}\t{scene.Caption}\t{second}\n");
            }
            // The captions file comes last, so its presence means every image it lists is complete.
            AtomicFile.WriteAllBytes(Path.Combine(folder, CaptionsFile), Encoding.UTF8.GetBytes(captions.ToString()));
            output.WriteLine($"wrote {n} scenes and {CaptionsFile} to {folder}");
            return 0;
        });
        return command;
    }

    private static SceneEdges ParseEdges(string value) => value switch
    {
        "antialiased" => SceneEdges.Antialiased,
        "aliased" => SceneEdges.Aliased,
        "mixed" => SceneEdges.Mixed,
        _ => throw new ArgumentException($"--edges must be antialiased, aliased or mixed, got '{value}'."),
    };

    private static SceneNoise ParseNoise(string value) => value switch
    {
        "none" => SceneNoise.None,
        "noisy" => SceneNoise.Noisy,
        "mixed" => SceneNoise.Mixed,
        _ => throw new ArgumentException($"--noise must be none, noisy or mixed, got '{value}'."),
    };
}
