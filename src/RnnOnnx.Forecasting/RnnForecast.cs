namespace RnnOnnx.Forecasting;

/// <summary>The next H points of a series with one or more prediction intervals.</summary>
/// <param name="Forecast">Point forecasts for steps 1..H.</param>
/// <param name="Lower">Lower bounds of the first requested interval (the model's confidence level when none was asked for).</param>
/// <param name="Upper">Upper bounds of the first requested interval.</param>
public sealed record RnnForecast(float[] Forecast, float[] Lower, float[] Upper)
{
    /// <summary>One interval per requested level, in the order asked (one, at the model's confidence level, by default); the first is <see cref="Lower"/>/<see cref="Upper"/>.</summary>
    public IReadOnlyList<ForecastInterval> Intervals { get; init; } = [];
}

/// <summary>A prediction interval at one coverage level.</summary>
/// <param name="Level">Nominal coverage, a fraction in (0, 1) (e.g. 0.8).</param>
/// <param name="Lower">Lower bounds for steps 1..H.</param>
/// <param name="Upper">Upper bounds for steps 1..H.</param>
public sealed record ForecastInterval(double Level, float[] Lower, float[] Upper);

/// <summary>How a series of a trained model is forecast (<see cref="RnnForecastModel.MethodOf"/>; the config's <c>methods</c>).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ForecastMethod>))]
public enum ForecastMethod
{
    /// <summary>The recurrent network (plus the series' drift and seasonal profile).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("network")] Network,
    /// <summary>The Theta method alone (on the seasonally adjusted series): how model files written before <see cref="Ets"/> forecast series too short for the network.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("theta")] Theta,
    /// <summary>Exponential smoothing (ETS, chosen by AICc) with its own seasonal state: the series was too short for the network to learn from.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("ets")] Ets,
    /// <summary>
    /// The network and exponential smoothing, weighted by their errors on the calibration holdout (Bates &amp; Granger,
    /// 1969): smoothing was clearly better there (below 0.8 × the network's error), so it carries most of the weight.
    /// </summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("blend")] Blend,
}
