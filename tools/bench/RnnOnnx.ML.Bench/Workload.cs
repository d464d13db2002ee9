using Microsoft.ML;
using Microsoft.ML.Data;
using RnnOnnx.Layers;
using RnnOnnx.Onnx;
using RnnOnnx.Training;

namespace RnnOnnx.ML.Bench;

/// <summary>
/// One forecaster and its data, shared by every path measured: LSTM(units) → Dense(1) over windows of one feature,
/// random weights with a fixed seed, and the same windows of a noisy sine.
/// </summary>
internal sealed class Workload
{
    public Workload(int units, int window, int rows)
    {
        Units = units;
        Window = window;
        var model = new Sequential(new Lstm(units), new Dense(1));
        model.Build(new LayerShape(true, 1), seed: 42);
        Full = OnnxExporter.Export(model);
        var sequences = new Sequential(new Lstm(units, returnSequences: true), new Dense(1));
        sequences.Build(new LayerShape(true, 1), seed: 42);
        Step = OnnxExporter.Export(sequences, new OnnxExportOptions { Kind = OnnxGraphKind.Step });
        Sequences = OnnxExporter.Export(sequences);

        var random = new Random(7);
        Flat = new float[rows * window];
        for (int i = 0; i < Flat.Length; i++) Flat[i] = (float)Math.Sin(i * 0.05) + (float)(random.NextDouble() - 0.5) * 0.1f;
        Rows = Enumerable.Range(0, rows).Select(r => new WindowRow { Window = Flat.AsSpan(r * window, window).ToArray() }).ToArray();
    }

    public int Units { get; }

    public int Window { get; }

    public string Name => $"LSTM({Units}) → Dense(1), window {Window}";

    /// <summary>[batch, window, 1] → [batch, 1], dynamic batch and time.</summary>
    public byte[] Full { get; }

    /// <summary>Step model of LSTM(units, sequences) → Dense(1): state in and out.</summary>
    public byte[] Step { get; }

    /// <summary>The same network without explicit state: to follow a stream it must re-run the whole history.</summary>
    public byte[] Sequences { get; }

    /// <summary>All windows, row-major: what a caller of raw InferenceSession.Run already has.</summary>
    public float[] Flat { get; }

    public WindowRow[] Rows { get; }

    public IDataView Load(MLContext ml)
    {
        var definition = SchemaDefinition.Create(typeof(WindowRow));
        definition["input"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Window);
        return ml.Data.LoadFromEnumerable(Rows, definition);
    }

    public static string WriteTemp(byte[] model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnnonnx-bench-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        return path;
    }
}
