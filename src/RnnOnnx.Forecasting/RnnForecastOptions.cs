namespace RnnOnnx.Forecasting;

/// <summary>Which recurrent cell the forecaster stacks.</summary>
public enum ForecastCell
{
    /// <summary>Long short-term memory.</summary>
    Lstm,
    /// <summary>Gated recurrent unit (fewer weights, often as good on short series).</summary>
    Gru,
}

/// <summary>How values are transformed before scaling.</summary>
public enum ForecastTransform
{
    /// <summary>Log when every value is positive (multiplicative growth and seasonality become additive), else none.</summary>
    Auto,
    /// <summary>The values as they are.</summary>
    None,
    /// <summary>Natural log; every value must be positive.</summary>
    Log,
}

/// <summary>
/// How <see cref="RnnForecastModel.Train"/> trains: the data options (horizon, window, season, transform, confidence) and the
/// recurrent options (cell, layers, units, dropout, epochs, early stopping, seed, ensemble size).
/// </summary>
public sealed class RnnForecastOptions
{
    /// <summary>Points forecast at once (≥ 1); the network outputs all of them directly.</summary>
    public int Horizon { get; set; } = 12;

    /// <summary>Steps of history the network is trained to read (0 = automatic: max(3·season, 2·horizon, 16), capped by the data).</summary>
    public int WindowSize { get; set; }

    /// <summary>Season length (1 = none, 0 = detect from the autocorrelation of the differenced series).</summary>
    public int Season { get; set; }

    /// <summary>Value transform before scaling.</summary>
    public ForecastTransform Transform { get; set; } = ForecastTransform.Auto;

    /// <summary>Coverage of the prediction intervals, in (0, 1) (default 0.95).</summary>
    public float ConfidenceLevel { get; set; } = 0.95f;

    /// <summary>Recurrent cell.</summary>
    public ForecastCell Cell { get; set; } = ForecastCell.Gru;

    /// <summary>Stacked recurrent layers (≥ 1).</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Units per recurrent layer.</summary>
    public int Units { get; set; } = 32;

    /// <summary>Dropout after each recurrent layer, in [0, 1).</summary>
    public float Dropout { get; set; }

    /// <summary>Most passes over the training windows.</summary>
    public int Epochs { get; set; } = 150;

    /// <summary>Stop after this many epochs without improvement on the last windows (0 = never stop early).</summary>
    public int EarlyStoppingPatience { get; set; } = 20;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; set; } = 0.005f;

    /// <summary>Networks trained from different seeds whose forecasts are averaged (≥ 1).</summary>
    public int EnsembleSize { get; set; } = 3;

    /// <summary>Seeds everything: the same seed and data give the same model and forecasts.</summary>
    public int Seed { get; set; }

    /// <summary>Most training windows per series (the latest are kept), bounding training time on long series.</summary>
    public int MaxWindowsPerSeries { get; set; } = 1000;

    /// <summary>Checks every option; the error names the option and the value.</summary>
    public void Validate()
    {
        if (Horizon <= 0) throw new ArgumentException($"The horizon must be at least 1, got {Horizon}.");
        if (WindowSize < 0) throw new ArgumentException($"The window size must be at least 1 (or 0 for automatic), got {WindowSize}.");
        if (Season < 0) throw new ArgumentException($"The season must be at least 1 (or 0 to detect it), got {Season}.");
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1)) throw new ArgumentException($"The confidence level must be between 0 and 1 exclusive, got {ConfidenceLevel}.");
        if (Layers < 1) throw new ArgumentException($"Layers must be at least 1, got {Layers}.");
        if (Units < 1) throw new ArgumentException($"Units must be at least 1, got {Units}.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"Dropout must be in [0, 1), got {Dropout}.");
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, got {Epochs}.");
        if (EarlyStoppingPatience < 0) throw new ArgumentException($"Early-stopping patience must be ≥ 0, got {EarlyStoppingPatience}.");
        if (EnsembleSize < 1) throw new ArgumentException($"The ensemble size must be at least 1, got {EnsembleSize}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"The learning rate must be positive, got {LearningRate}.");
        if (MaxWindowsPerSeries < 1) throw new ArgumentException($"MaxWindowsPerSeries must be at least 1, got {MaxWindowsPerSeries}.");
    }
}
