namespace RnnOnnx;

/// <summary>Training or inference data is unusable: empty, NaN/Inf, an out-of-range token id or length.</summary>
public sealed class DataException : RnnOnnxException
{
    /// <summary>Creates the error.</summary>
    public DataException(string message) : base(message) { }
}
