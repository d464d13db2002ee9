using System.Text.Json.Serialization;

namespace RnnOnnx.Forecasting;

/// <summary>Which recurrent cell the forecaster stacks.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForecastCell>))]
public enum ForecastCell
{
    /// <summary>Long short-term memory.</summary>
    [JsonStringEnumMemberName("lstm")] Lstm,
    /// <summary>Gated recurrent unit (fewer weights, often as good on short series).</summary>
    [JsonStringEnumMemberName("gru")] Gru,
}

/// <summary>How values are transformed before scaling.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForecastTransform>))]
public enum ForecastTransform
{
    /// <summary>Log when every value is positive (multiplicative growth and seasonality become additive), else none.</summary>
    [JsonStringEnumMemberName("auto")] Auto,
    /// <summary>The values as they are.</summary>
    [JsonStringEnumMemberName("none")] None,
    /// <summary>Natural log; every value must be positive.</summary>
    [JsonStringEnumMemberName("log")] Log,
}

/// <summary>
/// How <see cref="RnnForecastTrainer.Train"/> trains: the data options (horizon, window, season, transform, confidence)
/// and the recurrent options (cell, layers, units, dropout, epochs, early stopping, seed, ensemble size).
/// As JSON (<see cref="OptionsJson"/>, the CLI's forecast recipe) the members are snake_case, "horizon" is required,
/// cell/units/layers/dropout sit in an "architecture" object, and an unknown member is an error.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RnnForecastOptions
{
    private const ForecastCell DefaultCell = ForecastCell.Gru;
    private const int DefaultLayers = 1, DefaultUnits = 32;

    /// <summary>Points forecast at once (≥ 1); the network outputs all of them directly.</summary>
    [JsonPropertyName("horizon"), JsonRequired] public int Horizon { get; init; } = 12;

    /// <summary>The longest <see cref="Horizon"/>: the network has one output per step ahead, and the series must be longer still.</summary>
    public const int MaxHorizon = 10_000;

    /// <summary>Steps of history the network is trained to read (0 = automatic: max(3·season, 2·horizon, 16), capped by the data).</summary>
    [JsonPropertyName("window")] public int WindowSize { get; init; }

    /// <summary>Season length (1 = none, 0 = detect from the autocorrelation of the differenced series).</summary>
    [JsonPropertyName("season")] public int Season { get; init; }

    /// <summary>Value transform before scaling.</summary>
    [JsonPropertyName("transform")] public ForecastTransform Transform { get; init; } = ForecastTransform.Auto;

    /// <summary>Coverage of the prediction intervals, in (0, 1) (default 0.95).</summary>
    [JsonPropertyName("confidence")] public float ConfidenceLevel { get; init; } = 0.95f;

    /// <summary>Recurrent cell.</summary>
    [JsonIgnore] public ForecastCell Cell { get; init; } = DefaultCell;

    /// <summary>Stacked recurrent layers (≥ 1).</summary>
    [JsonIgnore] public int Layers { get; init; } = DefaultLayers;

    /// <summary>Units per recurrent layer.</summary>
    [JsonIgnore] public int Units { get; init; } = DefaultUnits;

    /// <summary>Dropout after each recurrent layer, in [0, 1).</summary>
    [JsonIgnore] public float Dropout { get; init; }

    /// <summary>Most passes over the training windows.</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 150;

    /// <summary>Stop after this many epochs without improvement on the last windows (0 = never stop early).</summary>
    [JsonPropertyName("patience")] public int EarlyStoppingPatience { get; init; } = 20;

    /// <summary>Adam's learning rate.</summary>
    [JsonPropertyName("lr")] public float LearningRate { get; init; } = 0.005f;

    /// <summary>Networks trained from different seeds whose forecasts are averaged (≥ 1).</summary>
    [JsonPropertyName("ensemble")] public int EnsembleSize { get; init; } = 3;

    /// <summary>Seeds everything: the same seed and data give the same model and forecasts.</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>Most training windows per series (the latest are kept), bounding training time on long series.</summary>
    [JsonPropertyName("max_windows")] public int MaxWindowsPerSeries { get; init; } = 1000;

    /// <summary>The JSON view of <see cref="Cell"/>, <see cref="Units"/>, <see cref="Layers"/> and <see cref="Dropout"/>.</summary>
    [JsonInclude, JsonPropertyName("architecture")]
    private ForecastArchitecture Architecture
    {
        get => new() { Cell = Cell, Units = Units, Layers = Layers, Dropout = Dropout };
        init => (Cell, Units, Layers, Dropout) = (value.Cell, value.Units, value.Layers, value.Dropout);
    }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it (C# and JSON name) and its value.</exception>
    public void Validate()
    {
        const string T = nameof(RnnForecastOptions);
        if (Horizon <= 0) throw OptionsJson.Invalid(T, nameof(Horizon), "horizon", Horizon, "at least 1");
        if (Horizon > MaxHorizon) throw OptionsJson.Invalid(T, nameof(Horizon), "horizon", Horizon, $"at most {MaxHorizon}");
        if (WindowSize < 0) throw OptionsJson.Invalid(T, nameof(WindowSize), "window", WindowSize, "at least 1 (or 0 for automatic)");
        if (Season < 0) throw OptionsJson.Invalid(T, nameof(Season), "season", Season, "at least 1 (or 0 to detect it)");
        if (!Enum.IsDefined(Transform)) throw OptionsJson.Invalid(T, nameof(Transform), "transform", (int)Transform, "auto, none or log");
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1)) throw OptionsJson.Invalid(T, nameof(ConfidenceLevel), "confidence", ConfidenceLevel, "between 0 and 1 exclusive");
        if (!Enum.IsDefined(Cell)) throw OptionsJson.Invalid(T, nameof(Cell), "architecture.cell", (int)Cell, "gru or lstm");
        if (Layers < 1) throw OptionsJson.Invalid(T, nameof(Layers), "architecture.layers", Layers, "at least 1");
        if (Units < 1) throw OptionsJson.Invalid(T, nameof(Units), "architecture.units", Units, "at least 1");
        if (!(Dropout >= 0 && Dropout < 1)) throw OptionsJson.Invalid(T, nameof(Dropout), "architecture.dropout", Dropout, "in [0, 1)");
        if (Epochs < 1) throw OptionsJson.Invalid(T, nameof(Epochs), "epochs", Epochs, "at least 1");
        if (EarlyStoppingPatience < 0) throw OptionsJson.Invalid(T, nameof(EarlyStoppingPatience), "patience", EarlyStoppingPatience, "at least 0");
        if (EnsembleSize < 1) throw OptionsJson.Invalid(T, nameof(EnsembleSize), "ensemble", EnsembleSize, "at least 1");
        if (!(LearningRate > 0 && float.IsFinite(LearningRate))) throw OptionsJson.Invalid(T, nameof(LearningRate), "lr", LearningRate, "positive");
        if (MaxWindowsPerSeries < 1) throw OptionsJson.Invalid(T, nameof(MaxWindowsPerSeries), "max_windows", MaxWindowsPerSeries, "at least 1");
    }

    /// <summary>The "architecture" object of the JSON form.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    private sealed record ForecastArchitecture
    {
        [JsonPropertyName("cell")] public ForecastCell Cell { get; init; } = DefaultCell;
        [JsonPropertyName("units")] public int Units { get; init; } = DefaultUnits;
        [JsonPropertyName("layers")] public int Layers { get; init; } = DefaultLayers;
        [JsonPropertyName("dropout")] public float Dropout { get; init; }
    }
}
