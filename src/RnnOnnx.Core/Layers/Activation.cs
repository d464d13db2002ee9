namespace RnnOnnx.Layers;

/// <summary>Element-wise (or, for softmax, row-wise) output function of a <see cref="Dense"/> or <see cref="SimpleRnn"/> layer.</summary>
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
}
