using RnnOnnx.Layers;

namespace RnnOnnx.Onnx;

/// <summary>
/// How the trainer's recurrent weights map to ONNX's. The trainer keeps W as [input, G·H] and R as [H, G·H] with gate
/// blocks LSTM i,f,g,o and GRU z,r,n; ONNX wants [G·H, input] and [G·H, H] with blocks LSTM i,o,f,c and GRU z,r,h.
/// The one place that knows both orders, used by export and import alike.
/// </summary>
internal static class GateLayout
{
    /// <summary>For each ONNX gate block, the trainer's block that holds it.</summary>
    public static int[] OnnxToTrainer(RecurrentLayer layer) => layer switch
    {
        Lstm => [0, 3, 1, 2],     // ONNX i,o,f,c ← trainer i,f,g,o
        Gru => [0, 1, 2],         // ONNX z,r,h = trainer z,r,n
        _ => [0],
    };

    public static string OperatorOf(RecurrentLayer layer) => layer switch
    {
        Lstm => "LSTM",
        Gru => "GRU",
        _ => "RNN",
    };

    /// <summary>Trainer [rows, G·H] → ONNX [G·H, rows] (rows = input width for W, H for R).</summary>
    public static float[] ToOnnxMatrix(ReadOnlySpan<float> trainer, int rows, int hidden, int[] blocks)
    {
        int gh = blocks.Length * hidden;
        var onnx = new float[gh * rows];
        for (int k = 0; k < blocks.Length; k++)
            for (int j = 0; j < hidden; j++)
                for (int r = 0; r < rows; r++)
                    onnx[(k * hidden + j) * rows + r] = trainer[r * gh + blocks[k] * hidden + j];
        return onnx;
    }

    /// <summary>ONNX [G·H, rows] → trainer [rows, G·H].</summary>
    public static void FromOnnxMatrix(ReadOnlySpan<float> onnx, Span<float> trainer, int rows, int hidden, int[] blocks)
    {
        int gh = blocks.Length * hidden;
        for (int k = 0; k < blocks.Length; k++)
            for (int j = 0; j < hidden; j++)
                for (int r = 0; r < rows; r++)
                    trainer[r * gh + blocks[k] * hidden + j] = onnx[(k * hidden + j) * rows + r];
    }

    /// <summary>Trainer bias [G·H] → ONNX gate order.</summary>
    public static float[] ToOnnxVector(ReadOnlySpan<float> trainer, int hidden, int[] blocks)
    {
        var onnx = new float[blocks.Length * hidden];
        for (int k = 0; k < blocks.Length; k++) trainer.Slice(blocks[k] * hidden, hidden).CopyTo(onnx.AsSpan(k * hidden, hidden));
        return onnx;
    }

    /// <summary>ONNX gate order → trainer bias [G·H].</summary>
    public static void FromOnnxVector(ReadOnlySpan<float> onnx, Span<float> trainer, int hidden, int[] blocks)
    {
        for (int k = 0; k < blocks.Length; k++) onnx.Slice(k * hidden, hidden).CopyTo(trainer.Slice(blocks[k] * hidden, hidden));
    }
}
