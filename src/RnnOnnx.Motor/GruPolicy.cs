using RnnOnnx.Randomness;
using System.Numerics.Tensors;
using RnnOnnx;
using RnnOnnx.Layers;

namespace RnnOnnx.Motor;

/// <summary>
/// The controller: GRU → Dense → sigmoid, float32, in the weight layout of Core's <see cref="Gru"/> and
/// <see cref="Dense"/> (gate blocks z, r, n; reset-after form; W [inputs, 3H], R [H, 3H], b and rb [3H];
/// Dense kernel [H, muscles]) so the weights copy straight into a Core <c>Sequential(Gru, Dense(sigmoid))</c>.
/// </summary>
public sealed class GruPolicy
{
    internal GruPolicy(int inputs, int hidden, int outputs)
    {
        Inputs = inputs;
        Hidden = hidden;
        Outputs = outputs;
        W = new float[inputs * 3 * hidden];
        R = new float[hidden * 3 * hidden];
        B = new float[3 * hidden];
        RB = new float[3 * hidden];
        Wd = new float[hidden * outputs];
        Bd = new float[outputs];
    }

    /// <summary>Observation width: goal (2), fingertip (2), fibre lengths and velocities (2 per muscle).</summary>
    public int Inputs { get; }

    /// <summary>GRU units.</summary>
    public int Hidden { get; }

    /// <summary>Muscles driven.</summary>
    public int Outputs { get; }

    internal float[] W { get; }
    internal float[] R { get; }
    internal float[] B { get; }
    internal float[] RB { get; }
    internal float[] Wd { get; }
    internal float[] Bd { get; }

    internal float[][] Tensors => [W, R, B, RB, Wd, Bd];

    /// <summary>GRU input kernel W, [inputs, 3·hidden].</summary>
    public ReadOnlySpan<float> Kernel => W;

    /// <summary>GRU recurrent kernel R, [hidden, 3·hidden].</summary>
    public ReadOnlySpan<float> RecurrentKernel => R;

    /// <summary>GRU input-side bias, [3·hidden].</summary>
    public ReadOnlySpan<float> Bias => B;

    /// <summary>GRU recurrent-side bias, [3·hidden].</summary>
    public ReadOnlySpan<float> RecurrentBias => RB;

    /// <summary>Output kernel, [hidden, muscles].</summary>
    public ReadOnlySpan<float> OutputKernel => Wd;

    /// <summary>Output bias, [muscles].</summary>
    public ReadOnlySpan<float> OutputBias => Bd;

    /// <summary>
    /// One control step for a batch. GRU, reset-after (Cho et al. 2014; the PyTorch/ONNX linear_before_reset form):
    /// z, r = σ(x·W + b + h·R + rb) (z and r blocks), n = tanh(x·Wn + bn + r ⊙ (h·Rn + rbn)), h' = (1 − z) ⊙ n + z ⊙ h;
    /// then u = σ(h'·Wd + bd). Keeps the activated gates [B, 3H] and h·Rn + rbn [B, H] for the reverse sweep;
    /// <paramref name="gx"/> is scratch [B, 3H].
    /// </summary>
    internal void StepForward(ReadOnlySpan<float> x, ReadOnlySpan<float> hPrev, Span<float> hNext, Span<float> gates, Span<float> hrnOut,
        Span<float> gx, Span<float> u, int batch)
    {
        int h = Hidden, g3 = 3 * h;
        Kernels.MatMul(x, W, B, gx, batch, Inputs, g3);
        Kernels.MatMul(hPrev, R, RB, gates, batch, h, g3);
        for (int b = 0; b < batch; b++)
        {
            var gr = gates.Slice(b * g3, g3);
            var xr = gx.Slice(b * g3, g3);
            var hrn = hrnOut.Slice(b * h, h);
            gr.Slice(2 * h, h).CopyTo(hrn);
            var zr = gr[..(2 * h)];
            TensorPrimitives.Add(zr, xr[..(2 * h)], zr);
            TensorPrimitives.Sigmoid(zr, zr);
            var n = gr.Slice(2 * h, h);
            TensorPrimitives.Multiply(gr.Slice(h, h), hrn, n);
            TensorPrimitives.Add(n, xr.Slice(2 * h, h), n);
            TensorPrimitives.Tanh(n, n);
            var z = gr[..h];
            var hp = hPrev.Slice(b * h, h);
            var hn = hNext.Slice(b * h, h);
            for (int j = 0; j < h; j++) hn[j] = n[j] + z[j] * (hp[j] - n[j]);
        }
        Kernels.MatMul(hNext, Wd, Bd, u, batch, h, Outputs);
        TensorPrimitives.Sigmoid(u, u);
    }

    /// <summary>Copies the weights into built Core layers of matching sizes.</summary>
    /// <exception cref="ModelConfigurationException">A layer is unbuilt or has other sizes.</exception>
    public void CopyTo(Gru gru, Dense dense)
    {
        ArgumentNullException.ThrowIfNull(gru);
        ArgumentNullException.ThrowIfNull(dense);
        if (gru.Units != Hidden || dense.Units != Outputs || gru.Kernel.Value.Length != W.Length || dense.Kernel.Value.Length != Wd.Length)
            throw new ModelConfigurationException($"Core layers (Gru {gru.Units}, Dense {dense.Units}) do not match the policy (inputs {Inputs}, hidden {Hidden}, outputs {Outputs}).");
        W.CopyTo(gru.Kernel.Value, 0);
        R.CopyTo(gru.RecurrentKernel.Value, 0);
        B.CopyTo(gru.Bias.Value, 0);
        RB.CopyTo(gru.RecurrentBias.Value, 0);
        Wd.CopyTo(dense.Kernel.Value, 0);
        Bd.CopyTo(dense.Bias.Value, 0);
    }

    /// <summary>
    /// A policy holding the weights of built Core layers (the inverse of <see cref="CopyTo"/>), e.g. of a controller
    /// imported back from its ONNX file.
    /// </summary>
    /// <exception cref="ModelConfigurationException">A layer is unbuilt, the Dense layer is not sigmoid, or the sizes disagree.</exception>
    public static GruPolicy FromLayers(Gru gru, Dense dense)
    {
        ArgumentNullException.ThrowIfNull(gru);
        ArgumentNullException.ThrowIfNull(dense);
        int h = gru.Units, m = dense.Units;
        if (gru.Kernel.Value.Length % (3 * h) != 0 || dense.Kernel.Value.Length != h * m || dense.Activation != Activation.Sigmoid)
            throw new ModelConfigurationException($"Core layers (Gru {h}, Dense {m} {dense.Activation}) are not a motor controller (Gru → Dense(sigmoid)).");
        var p = new GruPolicy(gru.Kernel.Value.Length / (3 * h), h, m);
        gru.Kernel.Value.CopyTo(p.W, 0);
        gru.RecurrentKernel.Value.CopyTo(p.R, 0);
        gru.Bias.Value.CopyTo(p.B, 0);
        gru.RecurrentBias.Value.CopyTo(p.RB, 0);
        dense.Kernel.Value.CopyTo(p.Wd, 0);
        dense.Bias.Value.CopyTo(p.Bd, 0);
        return p;
    }

    /// <summary>
    /// MotorNet's initialisation (EQUATIONS.md §8): Xavier-uniform input and output kernels, orthogonal recurrent
    /// kernel (Saxe et al. 2014), zero GRU biases, output bias −5 so the first excitations are σ(−5) ≈ 0.007.
    /// </summary>
    internal static GruPolicy Initialize(int inputs, int hidden, int outputs, Rng rng)
    {
        var p = new GruPolicy(inputs, hidden, outputs);
        XavierUniform(p.W, inputs, 3 * hidden, rng);
        Orthogonal(p.R, hidden, 3 * hidden, rng);
        XavierUniform(p.Wd, hidden, outputs, rng);
        Array.Fill(p.Bd, -5f);
        return p;
    }

    private static void XavierUniform(float[] w, int fanIn, int fanOut, Rng rng)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.Length; i++) w[i] = (float)((2 * rng.NextDouble() - 1) * limit);
    }

    /// <summary>rows ≤ cols: Gaussian rows made orthonormal by modified Gram–Schmidt in float64.</summary>
    private static void Orthogonal(float[] w, int rows, int cols, Rng rng)
    {
        var m = new double[rows * cols];
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextNormal();
        for (int r = 0; r < rows; r++)
        {
            var row = m.AsSpan(r * cols, cols);
            for (int p = 0; p < r; p++)
            {
                var prev = m.AsSpan(p * cols, cols);
                double d = 0;
                for (int j = 0; j < cols; j++) d += row[j] * prev[j];
                for (int j = 0; j < cols; j++) row[j] -= d * prev[j];
            }
            double n = 0;
            foreach (double v in row) n += v * v;
            n = Math.Sqrt(n);
            for (int j = 0; j < cols; j++) row[j] /= n;
        }
        for (int i = 0; i < m.Length; i++) w[i] = (float)m[i];
    }
}
