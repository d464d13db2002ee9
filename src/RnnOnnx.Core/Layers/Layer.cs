using System.Text.Json;
using RnnOnnx.Randomness;

namespace RnnOnnx.Layers;

/// <summary>
/// A building block of a <see cref="Training.Sequential"/> model. Layers are created unbuilt; the model
/// builds them in order once the input shape is known, which creates and initialises their weights.
/// </summary>
public abstract class Layer
{
    private LayerShape? _input;

    /// <summary>Name used in messages and exported graphs, e.g. <c>lstm_1</c>; given by the model when empty.</summary>
    public string Name { get; set; } = "";

    /// <summary>The trainable weights (empty until built).</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Shape of one input sample; known once built.</summary>
    public LayerShape InputShape => _input ?? throw new ModelConfigurationException($"Layer '{Name}' is not built yet: fit the model or call Build first.");

    /// <summary>Shape of one output sample; known once built.</summary>
    public LayerShape OutputShape { get; private set; }

    /// <summary>Whether the layer has been built.</summary>
    public bool IsBuilt => _input is not null;

    /// <summary>
    /// False for the first layer: nothing consumes ∂L/∂input there, so its backward pass skips that product
    /// (for a recurrent layer, the ∂X = ∂G·Wᵀ GEMM) and returns null.
    /// </summary>
    internal bool InputGradientNeeded { get; set; } = true;

    /// <summary>Keras-style type name used in model files and error messages.</summary>
    internal abstract string TypeName { get; }

    internal void Build(LayerShape input, Rng rng)
    {
        OutputShape = OnBuild(input, rng);
        _input = input;
    }

    /// <summary>Checks the input shape, creates and initialises the weights, returns the output shape.</summary>
    private protected abstract LayerShape OnBuild(LayerShape input, Rng rng);

    /// <summary>Computes the output for a batch. The returned signal belongs to the layer and is reused next call.</summary>
    internal abstract Signal Forward(Signal input, PassContext context);

    /// <summary>
    /// Given ∂L/∂output, adds ∂L/∂weights into the parameters' gradients and returns ∂L/∂input
    /// (null when the input is not differentiable, as for token ids).
    /// </summary>
    internal abstract Signal? Backward(Signal outputGradient, PassContext context);

    /// <summary>Writes the layer's constructor options (not its weights) for model files.</summary>
    internal abstract void WriteConfig(Utf8JsonWriter writer);

    private protected static void Require(bool condition, string message)
    {
        if (!condition) throw new ModelConfigurationException(message);
    }
}
