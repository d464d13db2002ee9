using System.Numerics.Tensors;
using RnnOnnx.Layers;

namespace RnnOnnx.Losses;

/// <summary>
/// Cross-entropy of a softmax over logits against integer class ids (Keras's sparse categorical cross-entropy
/// from logits): ℓ = log Σ_j e^{z_j} − z_y; ∂ℓ/∂z = softmax(z) − onehot(y). Targets are one class id per row.
/// A final <c>Dense(…, Softmax)</c> is fused: the loss then sees its logits.
/// </summary>
public sealed class SoftmaxCrossEntropy : Loss
{
    internal override string TypeName => "SoftmaxCrossEntropy";

    internal override int TargetWidth(int predictionWidth) => 1;

    internal override double Compute(Signal prediction, Signal target, PassContext context, Signal gradient)
    {
        int classes = prediction.Width;
        int count = CountRealRows(prediction, context);
        float scale = 1f / count;
        var g = gradient.ResizeLike(prediction).Span;
        double sum = 0;
        for (int row = 0; row < prediction.Rows; row++)
        {
            var gr = g.Slice(row * classes, classes);
            if (!IsReal(prediction, context, row)) { gr.Clear(); continue; }
            var z = prediction.Span.Slice(row * classes, classes);
            float label = target.Span[row];
            int y = (int)label;
            if (y != label || y < 0 || y >= classes)
                throw new DataException($"SoftmaxCrossEntropy: target {label} at batch row {row % prediction.Batch}" +
                    (prediction.IsSequence ? $", step {row / prediction.Batch}" : "") + $" is not a class id in [0, {classes}).");
            float max = TensorPrimitives.Max(z);
            double partition = 0;
            for (int j = 0; j < classes; j++) partition += Math.Exp(z[j] - max);
            double logPartition = Math.Log(partition) + max;
            sum += logPartition - z[y];
            for (int j = 0; j < classes; j++) gr[j] = (float)Math.Exp(z[j] - logPartition) * scale;
            gr[y] -= scale;
        }
        return sum / count;
    }
}
