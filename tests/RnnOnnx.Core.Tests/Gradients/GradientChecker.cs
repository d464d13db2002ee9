using RnnOnnx.Layers;
using RnnOnnx.Randomness;
using RnnOnnx.Training;

namespace RnnOnnx.Tests.Gradients;

/// <summary>
/// Compares backpropagated gradients with central differences (L(θ+ε) − L(θ−ε)) / 2ε computed by the same float32
/// forward pass. Dropout draws from a generator reseeded for every evaluation, so its mask is fixed.
/// </summary>
internal static class GradientChecker
{
    private const float Epsilon = 2e-3f;

    /// <summary>Max over elements of |analytic − numeric|, relative to the largest numeric magnitude of the tensor.</summary>
    public static double Tolerance => 1e-2;

    public static double Loss(ITrainable model, SequenceDataset data)
    {
        var (output, targets, context) = Forward(model, data);
        return model.Loss!.Compute(output, targets, context, new Signal());
    }

    private static (Signal Output, Signal Targets, PassContext Context) Forward(ITrainable model, SequenceDataset data)
    {
        var batch = new BatchAssembler();
        model.Gather(batch, data, Enumerable.Range(0, data.Count).ToArray());
        var context = new PassContext { Training = true, Lengths = batch.Lengths, Rng = new Rng(99) };
        return (model.Forward(batch, context), batch.Targets, context);
    }

    /// <summary>Runs forward + backward once, leaving analytic gradients in the parameters.</summary>
    public static void Backpropagate(ITrainable model, SequenceDataset data)
    {
        foreach (var p in model.Parameters) Array.Clear(p.Gradient);
        var (output, targets, context) = Forward(model, data);
        var gradient = new Signal();
        model.Loss!.Compute(output, targets, context, gradient);
        model.Backward(gradient, context);
    }

    /// <summary>Relative error per parameter tensor, checking every element (models here are small).</summary>
    public static List<(string Name, double Error)> CheckParameters(ITrainable model, SequenceDataset data)
    {
        Backpropagate(model, data);
        var results = new List<(string, double)>();
        var layers = model switch
        {
            Sequential s => s.Layers,
            EncoderDecoder ed => [.. ed.Encoder.Layers, .. ed.Decoder.Layers],
            _ => throw new ArgumentException("unknown model type", nameof(model)),
        };
        foreach (var layer in layers)
            foreach (var p in layer.Parameters)
            {
                var analytic = (float[])p.Gradient.Clone();
                var numeric = new double[p.Value.Length];
                for (int i = 0; i < p.Value.Length; i++)
                    numeric[i] = Numeric(() => Loss(model, data), p.Value, i);
                results.Add(($"{layer.Name}.{p.Name}", RelativeError(analytic, numeric)));
            }
        return results;
    }

    public static double Numeric(Func<double> loss, float[] values, int i)
    {
        float saved = values[i];
        values[i] = saved + Epsilon;
        double plus = loss();
        values[i] = saved - Epsilon;
        double minus = loss();
        values[i] = saved;
        return (plus - minus) / (2 * Epsilon);
    }

    public static double RelativeError(ReadOnlySpan<float> analytic, ReadOnlySpan<double> numeric)
    {
        double scale = 1e-3, worst = 0;
        foreach (double n in numeric) scale = Math.Max(scale, Math.Abs(n));
        for (int i = 0; i < numeric.Length; i++) worst = Math.Max(worst, Math.Abs(analytic[i] - numeric[i]));
        return worst / scale;
    }

    public static void AssertAllClose(ITrainable model, SequenceDataset data)
    {
        var results = CheckParameters(model, data);
        Assert.NotEmpty(results);
        var failures = results.Where(r => !(r.Error <= Tolerance)).ToList();
        Assert.True(failures.Count == 0,
            "Gradient mismatch: " + string.Join("; ", failures.Select(f => $"{f.Name} rel.err {f.Error:G3}")) +
            " | all: " + string.Join("; ", results.Select(f => $"{f.Name} {f.Error:G3}")));
    }
}
