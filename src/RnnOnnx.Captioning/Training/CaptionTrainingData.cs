namespace RnnOnnx.Captioning;

/// <summary>What <see cref="CaptionTrainer.Train"/> learns from.</summary>
/// <param name="Images">Channels-first raw pixels (0..255), channels·height·width each (what ML.NET's ExtractPixels gives);
/// or, with <see cref="CaptionEncoder.Features"/>, one feature vector per image (all of one length).</param>
/// <param name="Captions">One caption per image.</param>
public sealed record CaptionTrainingData(IReadOnlyList<float[]> Images, IReadOnlyList<string> Captions);
