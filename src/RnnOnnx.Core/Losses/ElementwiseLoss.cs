using RnnOnnx.Layers;

namespace RnnOnnx.Losses;

/// <summary>A loss that is the mean of ℓ(prediction, target) over every real element.</summary>
public abstract class ElementwiseLoss : Loss
{
    /// <summary>ℓ(p, y) and ∂ℓ/∂p for one element.</summary>
    private protected abstract (double Value, float Derivative) Evaluate(float prediction, float target);

    internal override double Compute(Signal prediction, Signal target, PassContext context, Signal gradient)
    {
        int width = prediction.Width;
        int count = CountRealRows(prediction, context) * width;
        float scale = 1f / count;
        var p = prediction.Span;
        var y = target.Span;
        var g = gradient.ResizeLike(prediction).Span;
        double sum = 0;
        for (int row = 0; row < prediction.Rows; row++)
        {
            int start = row * width;
            if (!IsReal(prediction, context, row))
            {
                g.Slice(start, width).Clear();
                continue;
            }
            for (int i = start; i < start + width; i++)
            {
                var (value, derivative) = Evaluate(p[i], y[i]);
                sum += value;
                g[i] = derivative * scale;
            }
        }
        return sum / count;
    }
}
