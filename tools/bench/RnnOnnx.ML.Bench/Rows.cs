using Microsoft.ML.Data;

namespace RnnOnnx.ML.Bench;

/// <summary>
/// A forecasting window of one feature, in a column named as the model's input (ML.NET's ApplyOnnxModel needs
/// that); its fixed size is set per workload through a schema definition.
/// </summary>
public sealed class WindowRow
{
    [ColumnName("input")]
    public float[] Window { get; set; } = [];
}

/// <summary>One observation of one sensor.</summary>
public sealed class ObservationRow
{
    public string Sensor { get; set; } = "";

    [VectorType(1)]
    public float[] Value { get; set; } = [];
}

/// <summary>The forecast column.</summary>
public sealed class ForecastRow
{
    public float[] Forecast { get; set; } = [];
}
