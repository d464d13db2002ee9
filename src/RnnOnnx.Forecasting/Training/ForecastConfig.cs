using System.Text.Json;
using System.Text.Json.Serialization;
using RnnOnnx.Forecasting.Preparation;

namespace RnnOnnx.Forecasting.Training;

/// <summary>
/// What a forecast model needs besides its weights, stored as the ONNX file's <c>rnnonnx.config</c> so one file is
/// self-contained: window, horizon, seasons, transform, per-series scalers, methods and seasonal adjustment, and the
/// conformal interval widths (at the trained level, and as a quantile grid of the calibration scores for any level).
/// <para>
/// Version 1 files (before several levels and seasons) have only <c>season</c> and <c>interval_halfwidth</c>: they
/// load, forecast every series with the network on unadjusted data as they did, and serve only their one level.
/// </para>
/// </summary>
internal sealed record ForecastConfig
{
    [JsonPropertyName("format")] public string Format { get; init; } = "rnnonnx.forecast";
    [JsonPropertyName("version")] public int Version { get; init; } = 2;
    [JsonPropertyName("window")] public int Window { get; init; }
    [JsonPropertyName("horizon")] public int Horizon { get; init; }
    /// <summary>The first of <see cref="Seasons"/> (what version 1 readers take as the season).</summary>
    [JsonPropertyName("season")] public int Season { get; init; }
    /// <summary>Seasons the series were tested for (null in version 1 files: [<see cref="Season"/>]).</summary>
    [JsonPropertyName("seasons")] public int[]? Seasons { get; init; }
    /// <summary>Whether significant seasons are removed as profiles before the network (false in version 1 files).</summary>
    [JsonPropertyName("adjust_seasons")] public bool AdjustSeasons { get; init; }
    /// <summary>Whether the ONNX graph holds a trained network (false when every series was too short for it: all are classical).</summary>
    [JsonPropertyName("network")] public bool Network { get; init; } = true;
    /// <summary>The classical method of series too short for the network, and of unseen keys when there is no network (absent before ETS: Theta).</summary>
    [JsonPropertyName("classical")] public ForecastMethod Classical { get; init; } = ForecastMethod.Theta;
    [JsonPropertyName("transform")] public ForecastTransform Transform { get; init; } = ForecastTransform.Auto;
    [JsonPropertyName("confidence")] public double Confidence { get; init; }
    /// <summary>Half-width of the interval at each horizon h, in scaled units (× the series' scale, around z).</summary>
    [JsonPropertyName("interval_halfwidth")] public double[] IntervalHalfWidth { get; init; } = [];
    /// <summary>
    /// The pooled calibration scores |e_{t,h}|/(s·√h), sorted, summarised by their values at the fractions i/(G−1),
    /// i = 0..G−1 (linear interpolation between order statistics); null in version 1 files.
    /// </summary>
    [JsonPropertyName("score_grid")] public double[]? ScoreGrid { get; init; }
    [JsonPropertyName("calibration_residuals")] public int CalibrationResiduals { get; init; }
    [JsonPropertyName("ensemble")] public int Ensemble { get; init; }
    [JsonPropertyName("cell")] public ForecastCell Cell { get; init; } = ForecastCell.Gru;
    [JsonPropertyName("layers")] public int Layers { get; init; }
    [JsonPropertyName("units")] public int Units { get; init; }
    [JsonPropertyName("series")] public Dictionary<string, SeriesScaler> Series { get; init; } = [];
    /// <summary>Per series key: method and the seasons removed (absent in version 1 files: network, no adjustment).</summary>
    [JsonPropertyName("series_method")] public Dictionary<string, SeriesMethod> Methods { get; init; } = [];

    /// <summary>The seasons in effect: <see cref="Seasons"/>, or the one <see cref="Season"/> of a version 1 file.</summary>
    [JsonIgnore] public IReadOnlyList<int> SeasonList => Seasons ?? [Season];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ForecastConfig Parse(string json, string source)
    {
        ForecastConfig? config;
        try { config = JsonSerializer.Deserialize<ForecastConfig>(json, Json); }
        catch (JsonException e) { throw new ModelFileException($"{source} has an unreadable forecasting config: {e.Message}", e); }
        if (config is null || config.Format != "rnnonnx.forecast" || config.Horizon < 1 || config.Window < 1 || config.IntervalHalfWidth.Length != config.Horizon
            || config.ScoreGrid is { Length: < 2 })
            throw new ModelFileException($"{source} is not an RnnOnnx forecasting model (its rnnonnx.config lacks window, horizon or intervals).");
        if (config.Classical is not (ForecastMethod.Ets or ForecastMethod.Theta))
            throw new ModelFileException($"{source} has a corrupt forecasting config: its classical method is '{config.Classical}', not ets or theta.");
        foreach (var (key, method) in config.Methods)
            if (method is null || !Enum.IsDefined(method.Method) || !(method.EtsWeight >= 0 && method.EtsWeight <= 1) || method.EtsSeason < 1 || method.EtsSeason > RnnOnnx.Forecasting.Classical.EtsMethod.MaxSeason
                || method.Seasons is null || method.Profiles is null || method.Profiles.Length != method.Seasons.Length || method.Seasons.Where((m, k) => m < 2 || method.Profiles[k]?.Length != m).Any())
                throw new ModelFileException($"{source} has a corrupt forecasting config: series '{key}' has method {method?.Method}, ETS weight {method?.EtsWeight}, ETS season {method?.EtsSeason} and {method?.Seasons?.Length} season(s) with {method?.Profiles?.Length} profile(s).");
        return config;
    }
}

/// <summary>
/// How one series is forecast: its method, and the seasons removed from it with
/// their profiles as estimated on the training series (phase 0 = its first point; on the transformed scale).
/// Exponential smoothing models a season up to <see cref="Classical.EtsMethod.MaxSeason"/> in its own evolving
/// state (<see cref="EtsSeason"/>), so for it only longer seasons are removed as profiles.
/// </summary>
internal sealed record SeriesMethod(
    [property: JsonPropertyName("method")] ForecastMethod Method,
    [property: JsonPropertyName("seasons")] int[] Seasons)
{
    [JsonPropertyName("profiles")] public double[][] Profiles { get; init; } = [];

    /// <summary>The season of exponential smoothing's seasonal state (1 = none; for <see cref="ForecastMethod.Ets"/> and <see cref="ForecastMethod.Blend"/>).</summary>
    [JsonPropertyName("ets_season")] public int EtsSeason { get; init; } = 1;

    /// <summary>Exponential smoothing's weight in a <see cref="ForecastMethod.Blend"/> (the network's is 1 − w).</summary>
    [JsonPropertyName("ets_weight")] public double EtsWeight { get; init; }

    /// <summary>The classical forecast's weight in this series' forecast: 0 for the network, <see cref="EtsWeight"/> for a blend, 1 for a classical method alone.</summary>
    [JsonIgnore] public double ClassicalWeight => Method switch
    {
        ForecastMethod.Network => 0,
        ForecastMethod.Blend => EtsWeight,
        _ => 1,
    };

    /// <summary>The season ETS's own state takes: the longest season it takes (at most <see cref="Classical.EtsMethod.MaxSeason"/>) that n points cover twice, as R's ets takes a series' frequency.</summary>
    public static int OwnEtsSeason(int n, IReadOnlyList<int> seasons) =>
        seasons.Where(m => m > 1 && m <= Classical.EtsMethod.MaxSeason && n >= 2 * m + 2).DefaultIfEmpty(1).Max();

    /// <summary>
    /// The method for a series forecast by exponential smoothing: seasons longer than ETS takes are tested and removed
    /// as profiles; the shortest season it takes that the series covers twice goes to its seasonal state, where AICc
    /// decides whether it is kept (as R's <c>ets</c> does with a series' frequency).
    /// </summary>
    public static SeriesMethod Ets(ReadOnlySpan<double> z, IReadOnlyList<int> seasons)
    {
        var removed = Preparation.SeasonalAdjustment.Significant(z, seasons.Where(m => m > Classical.EtsMethod.MaxSeason).ToList());
        return new SeriesMethod(ForecastMethod.Ets, removed) { Profiles = Preparation.SeasonalAdjustment.Profiles(z, removed), EtsSeason = OwnEtsSeason(z.Length, seasons) };
    }
}
