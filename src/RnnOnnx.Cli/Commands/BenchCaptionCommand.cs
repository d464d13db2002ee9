using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RnnOnnx.Captioning;

namespace RnnOnnx.Cli.Commands;

/// <summary>
/// `rnnonnx bench caption --model M [--count N] [--seed S] [--beams 1,3] [--json]`: the captioner's scores on freshly
/// generated scenes per rendering variant and beam width (<see cref="SceneBenchmark"/>), the table in the README and model card.
/// </summary>
internal static class BenchCaptionCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "The captioner (file or folder)", Required = true };
        var count = new Option<int>("--count") { Description = "Scenes per variant", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Scene seed: use one the model was not trained on", DefaultValueFactory = _ => 7777 };
        var beams = new Option<string>("--beams") { Description = "Comma-separated beam widths (1 = greedy)", DefaultValueFactory = _ => "1,3" };
        var json = new Option<bool>("--json") { Description = "Print JSON (one object per row)" };
        var command = new Command("caption", "Exact match, BLEU-4 and attribute accuracy on fresh scenes: mixed, and per edge/noise rendering, greedy and beam.")
        {
            model, count, seed, beams, json,
        };
        command.SetAction(parse =>
        {
            var widths = parse.GetValue(beams)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(w => int.TryParse(w, CultureInfo.InvariantCulture, out int k) && k >= 1 ? k : throw new ArgumentException($"--beams: '{w}' is not a beam width ≥ 1.")).ToList();
            int n = parse.GetValue(count);
            if (n < 1) throw new ArgumentException($"--count must be at least 1, got {n}.");
            using var captioner = new ImageCaptioner(parse.GetValue(model)!);
            var rows = SceneBenchmark.Run(captioner, n, (ulong)parse.GetValue(seed), widths);
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
                {
                    variant = r.Variant, beam = r.BeamWidth, scenes = r.Scores.Count, exact_match = r.Scores.ExactMatch, bleu4 = r.Scores.Bleu4,
                    size_accuracy = r.Scores.SizeAccuracy, color_accuracy = r.Scores.ColorAccuracy, shape_accuracy = r.Scores.ShapeAccuracy, images_per_s = r.ImagesPerSecond,
                })));
                return 0;
            }
            output.WriteLine($"| rendering | search | exact match | BLEU-4 | size | colour | shape | images/s |");
            output.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var r in rows)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Variant} | {(r.BeamWidth == 1 ? "greedy" : $"beam {r.BeamWidth}")} | {r.Scores.ExactMatch:P1} | {r.Scores.Bleu4:F4} | {r.Scores.SizeAccuracy:P1} | {r.Scores.ColorAccuracy:P1} | {r.Scores.ShapeAccuracy:P1} | {r.ImagesPerSecond:F0} |"));
            output.WriteLine($"({n} scenes per rendering, seed {parse.GetValue(seed)})");
            return 0;
        });
        return command;
    }
}
