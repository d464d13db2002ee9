using RnnOnnx.Layers;
using RnnOnnx.Onnx;
using RnnOnnx.Training;

namespace RnnOnnx.Tests;

/// <summary>Small recurrent models built with the trainer (random weights, fixed seeds) and their ONNX exports.</summary>
internal static class TestModels
{
    public const int Features = 3, Units = 8, Width = 2, Steps = 6;

    // Properties, not fields: a Sequential is not thread-safe and test classes run in parallel, so each use gets
    // its own instance; the seed makes every instance (and the exports below) hold the same weights.

    /// <summary>LSTM(8, sequences) → Dense(2): output [batch, time, 2].</summary>
    public static Sequential Lstm => Build(new Lstm(Units, returnSequences: true), new Dense(Width));

    /// <summary>GRU(8) → Dense(2): output [batch, 2] (last step only).</summary>
    public static Sequential GruLast => Build(new Gru(Units), new Dense(Width));

    /// <summary>Embedding(11, 4) → LSTM(6, sequences) → Dense(3): token ids in.</summary>
    public static Sequential Tokens => BuildIds(new Embedding(11, 4), new Lstm(6, returnSequences: true), new Dense(3));

    public static readonly byte[] LstmFull = OnnxExporter.Export(Lstm);
    public static readonly byte[] LstmRagged = OnnxExporter.Export(Lstm, new OnnxExportOptions { SequenceLengths = true });
    public static readonly byte[] LstmStep = OnnxExporter.Export(Lstm, new OnnxExportOptions { Kind = OnnxGraphKind.Step });
    public static readonly byte[] LstmStepRagged = OnnxExporter.Export(Lstm, new OnnxExportOptions { Kind = OnnxGraphKind.Step, SequenceLengths = true });
    public static readonly byte[] GruLastRagged = OnnxExporter.Export(GruLast, new OnnxExportOptions { SequenceLengths = true });
    public static readonly byte[] TokensRagged = OnnxExporter.Export(Tokens, new OnnxExportOptions { SequenceLengths = true });

    private static Sequential Build(params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build(new LayerShape(true, Features), seed: 11);
        return model;
    }

    private static Sequential BuildIds(params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build(new LayerShape(true, 1), seed: 12);
        return model;
    }

    /// <summary>Writes <paramref name="bytes"/> to a fresh temporary .onnx file.</summary>
    public static string TempFile(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnnonnx-ml-{Guid.NewGuid():N}.onnx");
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }
}
