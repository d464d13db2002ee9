namespace RnnOnnx.Server.Contracts;

/// <summary>A forecast with its prediction interval at <paramref name="Confidence"/>.</summary>
internal sealed record ForecastResponse(string Model, int Horizon, double Confidence, float[] Forecast, float[] Lower, float[] Upper);
