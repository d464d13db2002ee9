using System.Diagnostics;

namespace RnnOnnx.Captioning;

/// <summary>One row of <see cref="SceneBenchmark"/>: a rendering variant, a beam width and its scores.</summary>
/// <param name="Variant">"mixed", or edges + noise, e.g. "aliased, noisy".</param>
/// <param name="BeamWidth">1 = greedy.</param>
/// <param name="Scores">Exact match, BLEU-4, attribute accuracy.</param>
/// <param name="ImagesPerSecond">Decoding, resizing, pixel extraction and captioning, end to end.</param>
public sealed record SceneBenchmarkRow(string Variant, int BeamWidth, CaptionScores Scores, double ImagesPerSecond);

/// <summary>
/// Measures a captioner the way SPEC.md asks: freshly generated scenes (from a seed the model was not trained on),
/// encoded as PNG and captioned through <see cref="ImageCaptioner"/> (decode, resize, pixel extraction), scored separately for anti-aliased vs aliased
/// edges and with vs without pixel noise (σ = the spec's maximum), plus a mixed set, greedy and with beam search.
/// </summary>
public static class SceneBenchmark
{
    /// <summary>Runs every variant × beam width on <paramref name="count"/> scenes each.</summary>
    public static IReadOnlyList<SceneBenchmarkRow> Run(ImageCaptioner captioner, int count, ulong seed, IReadOnlyList<int> beamWidths)
    {
        ArgumentNullException.ThrowIfNull(captioner);
        ArgumentNullException.ThrowIfNull(beamWidths);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var variants = new List<(string Name, SceneRendering Rendering)> { ("mixed", new SceneRendering()) };
        foreach (var edges in new[] { SceneEdges.Antialiased, SceneEdges.Aliased })
            foreach (var noise in new[] { SceneNoise.None, SceneNoise.Noisy })
                variants.Add(($"{edges.ToString().ToLowerInvariant()}, {(noise == SceneNoise.None ? "clean" : "noisy")}", new SceneRendering { Edges = edges, Noise = noise }));
        var rows = new List<SceneBenchmarkRow>();
        foreach (var (name, rendering) in variants)
        {
            // The same scenes for every rendering: only the rendering differs between variants.
            var generator = new SceneGenerator(seed, rendering);
            var scenes = Enumerable.Range(0, count).Select(_ => generator.NextScene()).ToList();
            var pngs = scenes.Select(s => s.ToPng()).ToList();
            foreach (int beam in beamWidths)
            {
                var clock = Stopwatch.StartNew();
                var results = captioner.CaptionImages(pngs, new CaptionOptions { BeamWidth = beam });
                double seconds = clock.Elapsed.TotalSeconds;
                rows.Add(new SceneBenchmarkRow(name, beam, CaptionEvaluator.Evaluate(scenes, results.Select(r => r.Caption).ToList()), count / seconds));
            }
        }
        return rows;
    }
}
