namespace RnnOnnx.Forecasting;

/// <summary>What training found and did.</summary>
/// <param name="Seasons">Seasons the series were tested for (given or detected; [1] = none).</param>
/// <param name="Window">Steps of history the network was trained to read.</param>
/// <param name="MissingFilled">Per series key, how many missing values (empty cells, NaN) were filled by linear interpolation.</param>
/// <param name="CalibrationResiduals">Out-of-sample errors the intervals were calibrated on.</param>
/// <param name="Epochs">Epochs of the final training run (chosen by early stopping in the calibration run; 0 without a network).</param>
/// <param name="Elapsed">Wall-clock training time.</param>
public sealed record ForecastTrainingReport(IReadOnlyList<int> Seasons, int Window, IReadOnlyDictionary<string, int> MissingFilled, int CalibrationResiduals, int Epochs, TimeSpan Elapsed)
{
    /// <summary>Per series key, how it is forecast (as <see cref="RnnForecastModel.MethodOf"/>).</summary>
    public IReadOnlyDictionary<string, ForecastMethod> Methods { get; init; } = new Dictionary<string, ForecastMethod>();

    /// <summary>Per series key, the seasons found significant and removed as seasonal profiles (empty: none).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> SeasonalProfiles { get; init; } = new Dictionary<string, IReadOnlyList<int>>();

    /// <summary>
    /// Per series long enough for the network, how the calibration network and exponential smoothing did on the same
    /// held-out last H points (each fitted without them). Where smoothing's error is below 0.8 × the network's, the
    /// series is forecast by both (<see cref="ForecastMethod.Blend"/>), weighted by these errors.
    /// </summary>
    public IReadOnlyDictionary<string, HoldoutScores> Holdout { get; init; } = new Dictionary<string, HoldoutScores>();
}

/// <summary>Mean scaled errors |e_{o+h}| / (s·√h) on a series' calibration holdout (s: the series' mean absolute change).</summary>
/// <param name="Network">The calibration network's.</param>
/// <param name="Ets">Exponential smoothing's.</param>
public sealed record HoldoutScores(double Network, double Ets);
