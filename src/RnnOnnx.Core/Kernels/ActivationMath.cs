using System.Numerics.Tensors;
using RnnOnnx.Layers;

namespace RnnOnnx.Kernels;

/// <summary>Forward and backward of the activation functions over row-major blocks, via TensorPrimitives.</summary>
internal static class ActivationMath
{
    /// <summary>Keras's hard_sigmoid is max(0, min(1, slope·x + 0.5)).</summary>
    public const float HardSigmoidSlope = 0.2f;

    /// <summary>y = f(x) element by element (not softmax, which needs rows); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Apply(Activation activation, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (activation)
        {
            case Activation.Linear: x.CopyTo(y); break;
            case Activation.Relu: TensorPrimitives.Max(x, 0f, y); break;
            case Activation.Tanh: TensorPrimitives.Tanh(x, y); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case Activation.HardSigmoid:
                TensorPrimitives.Multiply(x, HardSigmoidSlope, y);
                TensorPrimitives.Add(y, 0.5f, y);
                TensorPrimitives.Min(y, 1f, y);
                TensorPrimitives.Max(y, 0f, y);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "not an element-wise activation");
        }
    }

    /// <summary>y = f(x) in place over <paramref name="values"/>, rows of <paramref name="width"/>.</summary>
    public static void Apply(Activation activation, Span<float> values, int width)
    {
        switch (activation)
        {
            case Activation.Linear: break;
            case Activation.Softmax:
                for (int r = 0; r < values.Length; r += width)
                {
                    var row = values.Slice(r, width);
                    TensorPrimitives.SoftMax(row, row);
                }
                break;
            default: Apply(activation, values, values); break;
        }
    }

    /// <summary>Turns ∂L/∂y into ∂L/∂x in place, given the outputs y = f(x).</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> y, Span<float> gradient, int width)
    {
        switch (activation)
        {
            case Activation.Linear: break;
            case Activation.Relu:
                for (int i = 0; i < y.Length; i++) if (y[i] <= 0f) gradient[i] = 0f;
                break;
            case Activation.Tanh: // tanh' = 1 − y²
                for (int i = 0; i < y.Length; i++) gradient[i] *= 1f - y[i] * y[i];
                break;
            case Activation.Sigmoid: // σ' = y(1 − y)
                for (int i = 0; i < y.Length; i++) gradient[i] *= y[i] * (1f - y[i]);
                break;
            case Activation.HardSigmoid: // slope inside the clamps, 0 on them
                for (int i = 0; i < y.Length; i++) gradient[i] = y[i] > 0f && y[i] < 1f ? gradient[i] * HardSigmoidSlope : 0f;
                break;
            case Activation.Softmax: // ∂L/∂x_i = y_i (g_i − Σ_j g_j y_j)
                for (int r = 0; r < y.Length; r += width)
                {
                    var yr = y.Slice(r, width);
                    var gr = gradient.Slice(r, width);
                    float dot = TensorPrimitives.Dot(yr, gr);
                    for (int i = 0; i < width; i++) gr[i] = yr[i] * (gr[i] - dot);
                }
                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }
}
