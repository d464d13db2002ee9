using Microsoft.ML;
using RnnOnnx.Forecasting;
using RnnOnnx.ML.Forecasting;

namespace RnnOnnx.ML;

/// <summary>
/// <c>mlContext.Forecasting.ForecastByRnn(...)</c>: a recurrent forecaster shaped like ML.NET's <c>ForecastBySsa</c>,
/// trained by <see cref="RnnForecastTrainer.Train"/> and run on ONNX Runtime.
/// </summary>
/// <example>
/// <code>
/// var estimator = mlContext.Forecasting.ForecastByRnn("Forecast", "Sales", windowSize: 0, horizon: 12,
///     confidenceLowerBoundColumn: "Lower", confidenceUpperBoundColumn: "Upper", seriesKeyColumnName: "Store");
/// using var model = estimator.Fit(data);
/// IDataView scored = model.Transform(data);          // per row: the next 12 points from the history up to that row
/// using var engine = model.CreateTimeSeriesEngine("store-1");
/// RnnForecast next = engine.Predict();
/// </code>
/// </example>
public static class ForecastingCatalogExtensions
{
    /// <summary>Forecasts <paramref name="horizon"/> points of <paramref name="inputColumnName"/> with a recurrent network.</summary>
    /// <param name="catalog">The forecasting catalog (<c>mlContext.Forecasting</c>).</param>
    /// <param name="outputColumnName">Column to add: a vector of <paramref name="horizon"/> Single forecasts.</param>
    /// <param name="inputColumnName">The series: a scalar Single or Double column, read in row order (NaN = missing).</param>
    /// <param name="windowSize">Steps of history the network is trained to read (0 = automatic).</param>
    /// <param name="horizon">Points forecast at once (≥ 1).</param>
    /// <param name="confidenceLevel">Coverage of the prediction intervals, in (0, 1).</param>
    /// <param name="confidenceLowerBoundColumn">Optional column to add with the lower bounds.</param>
    /// <param name="confidenceUpperBoundColumn">Optional column to add with the upper bounds.</param>
    /// <param name="seriesKeyColumnName">Optional column naming each row's series (text or integer): one global model, each series scaled on its own.</param>
    /// <exception cref="ArgumentException">An argument is missing or out of range.</exception>
    public static RnnForecastEstimator ForecastByRnn(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        int windowSize, int horizon, float confidenceLevel = 0.95f, string? confidenceLowerBoundColumn = null, string? confidenceUpperBoundColumn = null,
        string? seriesKeyColumnName = null) =>
        catalog.ForecastByRnn(outputColumnName, inputColumnName,
            new RnnForecastOptions { WindowSize = windowSize, Horizon = horizon, ConfidenceLevel = confidenceLevel },
            confidenceLowerBoundColumn, confidenceUpperBoundColumn, seriesKeyColumnName);

    /// <summary>Forecasts <paramref name="inputColumnName"/> with a recurrent network trained as <paramref name="options"/> say.</summary>
    /// <param name="catalog">The forecasting catalog (<c>mlContext.Forecasting</c>).</param>
    /// <param name="outputColumnName">Column to add: a vector of <see cref="RnnForecastOptions.Horizon"/> Single forecasts.</param>
    /// <param name="inputColumnName">The series: a scalar Single or Double column, read in row order (NaN = missing).</param>
    /// <param name="options">Horizon, window, season, confidence, cell, units, epochs, seed, ensemble… Copied: later changes have no effect.</param>
    /// <param name="confidenceLowerBoundColumn">Optional column to add with the lower bounds.</param>
    /// <param name="confidenceUpperBoundColumn">Optional column to add with the upper bounds.</param>
    /// <param name="seriesKeyColumnName">Optional column naming each row's series (text or integer): one global model, each series scaled on its own.</param>
    /// <param name="timeColumnName">
    /// Optional DateTime or DateTimeOffset column: each series' rows must be in time order; its frequency is inferred
    /// (and exposed as <see cref="RnnForecastTransformer.Frequency"/>), names the default seasons when the options name
    /// none (monthly 12, hourly 24, …), and rows that skip times count the skipped steps as missing values.
    /// </param>
    /// <param name="levels">
    /// Optional interval levels, fractions in (0, 1) (e.g. [0.8, 0.95]); default: the options' confidence level. With
    /// several, each bound column is one per level, suffixed with its percentage: Lower_80, Lower_95, Upper_80, Upper_95.
    /// </param>
    /// <exception cref="ArgumentException">An argument is missing or out of range.</exception>
    public static RnnForecastEstimator ForecastByRnn(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        RnnForecastOptions options, string? confidenceLowerBoundColumn = null, string? confidenceUpperBoundColumn = null, string? seriesKeyColumnName = null,
        string? timeColumnName = null, IReadOnlyList<double>? levels = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (levels is not null)
        {
            if (levels.Count == 0) throw new ArgumentException("levels, when given, must name at least one level.", nameof(levels));
            foreach (var level in levels)
                if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(levels), level, $"Each level must be a fraction in (0, 1), e.g. 0.8 for 80 %; got {level}.");
            if (levels.Distinct().Count() != levels.Count) throw new ArgumentException($"The levels must differ, got {string.Join(", ", levels)}.", nameof(levels));
        }
        return new RnnForecastEstimator(new RnnForecastColumns(outputColumnName, inputColumnName, confidenceLowerBoundColumn, confidenceUpperBoundColumn,
            seriesKeyColumnName, timeColumnName, levels?.ToArray()), options);
    }
}
