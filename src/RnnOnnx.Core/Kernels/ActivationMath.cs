using System.Numerics.Tensors;
using RnnOnnx.Layers;

namespace RnnOnnx.Kernels;

/// <summary>Forward and backward of the activation functions over row-major blocks, via TensorPrimitives.</summary>
internal static class ActivationMath
{
    /// <summary>y = f(x) in place over <paramref name="values"/>, rows of <paramref name="width"/>.</summary>
    public static void Apply(Activation activation, Span<float> values, int width)
    {
        switch (activation)
        {
            case Activation.Linear: break;
            case Activation.Relu: TensorPrimitives.Max(values, 0f, values); break;
            case Activation.Tanh: TensorPrimitives.Tanh(values, values); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(values, values); break;
            case Activation.Softmax:
                for (int r = 0; r < values.Length; r += width)
                {
                    var row = values.Slice(r, width);
                    TensorPrimitives.SoftMax(row, row);
                }
                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation));
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
