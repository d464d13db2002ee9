using RnnOnnx.Randomness;

namespace RnnOnnx.Layers;

/// <summary>Keras's default weight initialisers, so that a model built here starts where the same Keras model would.</summary>
internal static class Initializers
{
    /// <summary>Glorot/Xavier uniform: U(−l, l), l = √(6 / (fanIn + fanOut)).</summary>
    public static void GlorotUniform(Span<float> w, int fanIn, int fanOut, Rng rng)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        for (int i = 0; i < w.Length; i++) w[i] = (2f * rng.NextSingle() - 1f) * limit;
    }

    /// <summary>U(−limit, limit).</summary>
    public static void Uniform(Span<float> w, float limit, Rng rng)
    {
        for (int i = 0; i < w.Length; i++) w[i] = (2f * rng.NextSingle() - 1f) * limit;
    }

    /// <summary>
    /// Orthogonal (Saxe et al., 2014) for a rows×cols matrix with rows ≤ cols: Gaussian rows made orthonormal by
    /// modified Gram–Schmidt in float64. Keeps recurrent products norm-preserving at the start of training.
    /// </summary>
    public static void Orthogonal(Span<float> w, int rows, int cols, Rng rng)
    {
        var m = new double[rows * cols];
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextGaussian();
        int vectors = Math.Min(rows, cols);
        for (int r = 0; r < vectors; r++)
        {
            var v = m.AsSpan(r * cols, cols);
            for (int q = 0; q < r; q++)
            {
                var u = m.AsSpan(q * cols, cols);
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += v[j] * u[j];
                for (int j = 0; j < cols; j++) v[j] -= dot * u[j];
            }
            double norm = 0;
            for (int j = 0; j < cols; j++) norm += v[j] * v[j];
            norm = Math.Sqrt(norm);
            for (int j = 0; j < cols; j++) v[j] /= norm;
        }
        for (int i = 0; i < w.Length; i++) w[i] = (float)m[i];
    }
}
