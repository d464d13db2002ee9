using Microsoft.ML.Data;

namespace RnnOnnx.ML.Tests;

/// <summary>A fixed-size window: <see cref="TestModels.Steps"/> steps × <see cref="TestModels.Features"/> features.</summary>
public sealed class WindowRow
{
    [VectorType(TestModels.Steps * TestModels.Features)]
    public float[] Window { get; set; } = [];
}

/// <summary>A variable-length sequence, padded or not, with its number of steps.</summary>
public sealed class RaggedRow
{
    public float[] Sequence { get; set; } = [];

    public int Length { get; set; }
}

/// <summary>One chunk of a stream (one or more observations) and the stream it belongs to.</summary>
public sealed class StreamRow
{
    public string Sensor { get; set; } = "";

    public float[] Values { get; set; } = [];

    public int Length { get; set; }
}

/// <summary>A sequence of token ids.</summary>
public sealed class TokenRow
{
    public long[] Tokens { get; set; } = [];
}

/// <summary>What a prediction engine fills: the output column.</summary>
public sealed class Scored
{
    public float[] Output { get; set; } = [];
}
