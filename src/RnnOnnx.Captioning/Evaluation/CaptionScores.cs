namespace RnnOnnx.Captioning;

/// <summary>How well generated captions describe their scenes (SPEC.md, "Measures"); every rate is in 0..1.</summary>
/// <param name="Count">Number of captions scored.</param>
/// <param name="Objects">Number of objects in those scenes: the denominator of the attribute accuracies.</param>
/// <param name="ExactMatch">Share of captions equal (ordinal, whole string) to one of their scene's references.</param>
/// <param name="Bleu4">Corpus-level BLEU-4 against all references of each scene (see <see cref="CorpusBleu"/>).</param>
/// <param name="SizeAccuracy">Share of objects whose size class the caption names correctly.</param>
/// <param name="ColorAccuracy">Share of objects whose colour the caption names correctly.</param>
/// <param name="ShapeAccuracy">Share of objects whose shape the caption names correctly.</param>
public sealed record CaptionScores(int Count, int Objects, double ExactMatch, double Bleu4, double SizeAccuracy, double ColorAccuracy, double ShapeAccuracy);
