namespace RnnOnnx.Captioning;

/// <summary>
/// Scores generated captions against their scenes' references with the spec's measures: exact match, corpus BLEU-4
/// and attribute accuracy per object. A generated caption may be anything (empty, null, garbage): it then scores as
/// wrong, never throws.
/// </summary>
public static class CaptionEvaluator
{
    /// <summary>Scores one generated caption per scene.</summary>
    public static CaptionScores Evaluate(IReadOnlyList<ShapeScene> scenes, IReadOnlyList<string?> generated)
    {
        ArgumentNullException.ThrowIfNull(scenes);
        return Evaluate(scenes.Select(s => (IReadOnlyList<string>)s.References).ToList(), generated);
    }

    /// <summary>
    /// Scores one generated caption per reference set, e.g. read back from a captions.tsv. The objects a caption should
    /// name come from parsing the first reference, which must therefore follow the spec's grammar.
    /// </summary>
    public static CaptionScores Evaluate(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string?> generated)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(generated);
        if (references.Count != generated.Count)
            throw new DataException($"Caption evaluation: {generated.Count} generated captions for {references.Count} scenes; expected one per scene.");
        if (references.Count == 0) throw new DataException("Caption evaluation: no scenes to score.");
        int exact = 0, objects = 0, sizes = 0, colors = 0, shapes = 0;
        for (int i = 0; i < references.Count; i++)
        {
            if (references[i] is not { Count: > 0 } set) throw new DataException($"Caption evaluation: scene {i} has no reference.");
            var truth = CaptionParser.Parse(set[0])
                ?? throw new DataException($"Caption evaluation: reference of scene {i} (\"{set[0]}\") does not follow the captions' grammar.");
            if (set.Contains(generated[i] ?? "", StringComparer.Ordinal)) exact++;
            objects += truth.Length;
            // A caption naming another number of objects cannot be lined up with the scene's objects: all wrong.
            if (CaptionParser.Parse(generated[i]) is not { } named || named.Length != truth.Length) continue;
            for (int k = 0; k < truth.Length; k++)
            {
                if (named[k].Size == truth[k].Size) sizes++;
                if (named[k].Color == truth[k].Color) colors++;
                if (named[k].Shape == truth[k].Shape) shapes++;
            }
        }
        double bleu = CorpusBleu.Compute(references, generated);
        return new CaptionScores(references.Count, objects, exact / (double)references.Count, bleu,
            sizes / (double)objects, colors / (double)objects, shapes / (double)objects);
    }
}
