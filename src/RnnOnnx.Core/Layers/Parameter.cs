namespace RnnOnnx.Layers;

/// <summary>A trainable weight tensor and the gradient the last backward pass accumulated into it.</summary>
public sealed class Parameter
{
    internal Parameter(string name, params int[] shape)
    {
        Name = name;
        Shape = shape;
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            // Checked per factor so that an absurd size (e.g. from a corrupt file) fails as a configuration error, not an overflow.
            if (d < 0 || count > Array.MaxLength)
                throw new ModelConfigurationException($"Weight '{name}' of shape [{string.Join(", ", shape)}] is too large for one array.");
        }
        Value = new float[count];
        Gradient = new float[count];
    }

    /// <summary>Name within its layer, e.g. <c>kernel</c>, <c>recurrent_kernel</c>, <c>bias</c>.</summary>
    public string Name { get; }

    /// <summary>Dimensions of the weight tensor (row-major).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The weights. Writable so that importers and tests can set them.</summary>
    public float[] Value { get; }

    /// <summary>Gradient of the loss with respect to <see cref="Value"/> from the last backward pass.</summary>
    public float[] Gradient { get; }
}
