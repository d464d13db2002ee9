namespace RnnOnnx.Layers;

/// <summary>How a <see cref="Conv2D"/> treats the image border (Keras's <c>padding</c>).</summary>
public enum Padding
{
    /// <summary>No padding: the output shrinks by kernel − 1 in each direction.</summary>
    Valid,
    /// <summary>Zero padding of (kernel − 1) / 2 on every side: the output keeps the input's height and width (odd kernels).</summary>
    Same,
}
