namespace RnnOnnx.Forecasting;

/// <summary>The next H points of a series with their prediction interval.</summary>
/// <param name="Forecast">Point forecasts for steps 1..H.</param>
/// <param name="Lower">Lower bounds at the model's confidence level.</param>
/// <param name="Upper">Upper bounds at the model's confidence level.</param>
public sealed record RnnForecast(float[] Forecast, float[] Lower, float[] Upper);
