namespace RnnOnnx;

/// <summary>The model is put together or used in a way that cannot work (layer order, missing compile, bad option value).</summary>
public sealed class ModelConfigurationException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public ModelConfigurationException(string message) : base(message) { }
}
