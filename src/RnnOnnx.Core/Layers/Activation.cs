namespace RnnOnnx.Layers;

/// <summary>
/// Element-wise (or, for softmax, row-wise) output function of a <see cref="Dense"/> or <see cref="SimpleRnn"/> layer,
/// and the candidate/gate functions of <see cref="Lstm"/> and <see cref="Gru"/>.
/// </summary>
public enum Activation
{
    /// <summary>y = x.</summary>
    Linear,
    /// <summary>y = max(0, x).</summary>
    Relu,
    /// <summary>y = tanh(x).</summary>
    Tanh,
    /// <summary>y = 1 / (1 + e^−x).</summary>
    Sigmoid,
    /// <summary>y_i = e^{x_i} / Σ_j e^{x_j} over each row.</summary>
    Softmax,
    /// <summary>y = max(0, min(1, 0.2x + 0.5)): Keras's hard_sigmoid (ONNX HardSigmoid with its default alpha and beta).</summary>
    HardSigmoid,
}
