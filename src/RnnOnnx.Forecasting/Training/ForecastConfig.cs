using System.Text.Json;
using System.Text.Json.Serialization;
using RnnOnnx.Forecasting.Preparation;

namespace RnnOnnx.Forecasting.Training;

/// <summary>
/// What a forecast model needs besides its weights, stored as the ONNX file's <c>rnnonnx.config</c> so one file is
/// self-contained: window, horizon, season, transform, per-series scalers and the conformal interval widths.
/// </summary>
internal sealed record ForecastConfig
{
    [JsonPropertyName("format")] public string Format { get; init; } = "rnnonnx.forecast";
    [JsonPropertyName("version")] public int Version { get; init; } = 1;
    [JsonPropertyName("window")] public int Window { get; init; }
    [JsonPropertyName("horizon")] public int Horizon { get; init; }
    [JsonPropertyName("season")] public int Season { get; init; }
    [JsonPropertyName("transform")] public ForecastTransform Transform { get; init; } = ForecastTransform.Auto;
    [JsonPropertyName("confidence")] public double Confidence { get; init; }
    /// <summary>Half-width of the interval at each horizon h, in scaled units (× the series' scale, around z).</summary>
    [JsonPropertyName("interval_halfwidth")] public double[] IntervalHalfWidth { get; init; } = [];
    [JsonPropertyName("calibration_residuals")] public int CalibrationResiduals { get; init; }
    [JsonPropertyName("ensemble")] public int Ensemble { get; init; }
    [JsonPropertyName("cell")] public ForecastCell Cell { get; init; } = ForecastCell.Gru;
    [JsonPropertyName("layers")] public int Layers { get; init; }
    [JsonPropertyName("units")] public int Units { get; init; }
    [JsonPropertyName("series")] public Dictionary<string, SeriesScaler> Series { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ForecastConfig Parse(string json, string source)
    {
        ForecastConfig? config;
        try { config = JsonSerializer.Deserialize<ForecastConfig>(json, Json); }
        catch (JsonException e) { throw new ModelFileException($"{source} has an unreadable forecasting config: {e.Message}", e); }
        if (config is null || config.Format != "rnnonnx.forecast" || config.Horizon < 1 || config.Window < 1 || config.IntervalHalfWidth.Length != config.Horizon)
            throw new ModelFileException($"{source} is not an RnnOnnx forecasting model (its rnnonnx.config lacks window, horizon or intervals).");
        return config;
    }
}
