using System.Text.Json;
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

/// <summary>Which methods the trainer may choose per series (<see cref="RnnForecastOptions.Method"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForecastMethodChoice>))]
public enum ForecastMethodChoice
{
    /// <summary>
    /// The network for every series long enough for it, blended with exponential smoothing where smoothing's error on
    /// the calibration holdout was below 0.8 × the network's (<see cref="ForecastMethod.Blend"/>); exponential smoothing
    /// alone for series too short for the network.
    /// </summary>
    [JsonStringEnumMemberName("auto")] Auto,
    /// <summary>The network for every series long enough for it (exponential smoothing only for series too short for it).</summary>
    [JsonStringEnumMemberName("network")] Network,
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

    /// <summary>Steps of history the network is trained to read (0 = automatic: max(3·shortest season, 2·horizon, 16), capped at 100 and by the data).</summary>
    [JsonPropertyName("window")] public int WindowSize { get; init; }

    /// <summary>
    /// Season lengths, e.g. [12] for monthly data or [48, 336] for half-hourly data with daily and weekly seasons.
    /// Empty (the default) = detect one from the autocorrelation of the differenced series; [1] = no season. Each season
    /// is tested per series (thetaf's 90 % autocorrelation test) and removed as a seasonal profile only where it is
    /// significant and at least two full cycles were seen. As JSON, "season" is a number or an array of numbers.
    /// </summary>
    [JsonPropertyName("season"), JsonConverter(typeof(SeasonListJsonConverter))]
    public IReadOnlyList<int> Seasons { get => _seasons; init => _seasons = new SeasonList(value ?? []); }

    private readonly SeasonList _seasons = new([]);

    /// <summary>The longest season a series may have.</summary>
    public const int MaxSeason = 100_000;

    /// <summary>Which methods may forecast a series (default: <see cref="ForecastMethodChoice.Auto"/>).</summary>
    [JsonPropertyName("method")] public ForecastMethodChoice Method { get; init; } = ForecastMethodChoice.Auto;

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

    /// <summary>Most training windows per series (spread evenly over the series, the newest always among them), bounding training time on long series.</summary>
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
        foreach (int season in Seasons)
            if (season < 1 || season > MaxSeason) throw OptionsJson.Invalid(T, nameof(Seasons), "season", season, $"each season between 1 and {MaxSeason} (an empty list detects one)");
        if (!Enum.IsDefined(Method)) throw OptionsJson.Invalid(T, nameof(Method), "method", (int)Method, "auto or network");
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

    /// <summary>A read-only list of seasons compared by value, so that options read back from JSON equal the options written.</summary>
    private sealed class SeasonList(IEnumerable<int> seasons) : IReadOnlyList<int>, IEquatable<SeasonList>
    {
        private readonly int[] _items = seasons.ToArray();
        public int this[int index] => _items[index];
        public int Count => _items.Length;
        public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_items).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public bool Equals(SeasonList? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);
        public override bool Equals(object? obj) => Equals(obj as SeasonList);
        public override int GetHashCode() => _items.Aggregate(17, (h, v) => h * 31 + v);
        public override string ToString() => "[" + string.Join(", ", _items) + "]";
    }

    /// <summary>"season": 12 or "season": [48, 336] (written as a number when there is one season, else as an array).</summary>
    private sealed class SeasonListJsonConverter : JsonConverter<IReadOnlyList<int>>
    {
        public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number ? [reader.GetInt32()]
            : reader.TokenType == JsonTokenType.StartArray ? JsonSerializer.Deserialize<int[]>(ref reader, options) ?? []
            : throw new JsonException("The JSON value could not be converted to a season number or an array of season numbers.");

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options)
        {
            if (value.Count == 1) { writer.WriteNumberValue(value[0]); return; }
            writer.WriteStartArray();
            foreach (int v in value) writer.WriteNumberValue(v);
            writer.WriteEndArray();
        }
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
