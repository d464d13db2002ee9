using RnnOnnx.Forecasting.Classical;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Training;

namespace RnnOnnx.Forecasting.Evaluation;

/// <summary>One forecast point of a cross-validation window, with the baselines' forecasts of the same point.</summary>
/// <param name="Key">The series.</param>
/// <param name="Window">The window, 1..K, oldest cutoff first.</param>
/// <param name="Cutoff">Points the model was trained on (the series' first <paramref name="Cutoff"/> values); the point forecast is index Cutoff + Step − 1.</param>
/// <param name="Step">Steps ahead, 1..H.</param>
/// <param name="Actual">The held-out value (NaN where it is missing; such points are not scored).</param>
/// <param name="Forecast">The model's forecast.</param>
/// <param name="Lower">Lower bounds, one per level of <see cref="CrossValidationResult.Levels"/>.</param>
/// <param name="Upper">Upper bounds, one per level of <see cref="CrossValidationResult.Levels"/>.</param>
/// <param name="SeasonalNaive">The seasonal naive forecast (the value one season before; the last value without a season).</param>
/// <param name="Theta">The Theta method's forecast (<see cref="ThetaMethod"/>, same season).</param>
/// <param name="Ets">Exponential smoothing's forecast (<see cref="EtsMethod.Baseline"/>, same season).</param>
/// <param name="Method">How the window's model forecast this series (<see cref="RnnForecastModel.MethodOf"/>).</param>
public sealed record CrossValidationPoint(string Key, int Window, int Cutoff, int Step, double Actual, float Forecast,
    IReadOnlyList<float> Lower, IReadOnlyList<float> Upper, double SeasonalNaive, double Theta, double Ets, ForecastMethod Method);

/// <summary>Accuracy of one method over a set of points.</summary>
/// <param name="Mase">Mean over series (and windows) of the MASE, each scaled by its own training part's in-sample seasonal naive MAE; series whose scale is 0 (constant training part) are left out; NaN when none is left.</param>
/// <param name="Smape">Mean sMAPE (0..200) over the points.</param>
/// <param name="Coverage">Share of actual values inside the interval, per level of <see cref="CrossValidationResult.Levels"/>; empty for the baselines, which have no intervals.</param>
public sealed record ForecastScore(double Mase, double Smape, IReadOnlyList<double> Coverage);

/// <summary>The scores of a window (or of all windows) for the model and the three baselines.</summary>
/// <param name="Window">1..K, or 0 for all windows together.</param>
/// <param name="Model">The recurrent model's scores.</param>
/// <param name="SeasonalNaive">The seasonal naive forecast's scores.</param>
/// <param name="Theta">The Theta method's scores.</param>
/// <param name="Ets">Exponential smoothing's scores.</param>
public sealed record CrossValidationScores(int Window, ForecastScore Model, ForecastScore SeasonalNaive, ForecastScore Theta, ForecastScore Ets);

/// <summary>What <see cref="ForecastCrossValidation.Run"/> found.</summary>
/// <param name="Horizon">H, points forecast from each cutoff.</param>
/// <param name="Step">S, points between cutoffs.</param>
/// <param name="Season">
/// The season of the seasonal naive, Theta and ETS baselines and of MASE's scale (1 = none): the longest of the seasons
/// (those of the options, else those the first window's model chose) that the shortest training part of the first
/// window holds twice, the same for every window so that their MASEs compare.
/// </param>
/// <param name="Levels">The interval levels, fractions in (0, 1).</param>
/// <param name="Points">Every forecast point: by window, then series, then step.</param>
/// <param name="Windows">Scores per window, oldest cutoff first.</param>
/// <param name="Overall">Scores over all windows (MASE: mean over every series and window).</param>
public sealed record CrossValidationResult(int Horizon, int Step, int Season, IReadOnlyList<double> Levels,
    IReadOnlyList<CrossValidationPoint> Points, IReadOnlyList<CrossValidationScores> Windows, CrossValidationScores Overall);

/// <summary>
/// Rolling-origin cross-validation with the semantics of statsforecast's <c>cross_validation</c>: for a series of n
/// points, K windows of horizon H, S apart, have cutoffs n − H − (K−1)·S, …, n − H − S, n − H; for each cutoff one
/// model is trained (<see cref="RnnForecastTrainer.Train"/>, every series cut at its own cutoff: one global model
/// per window) and forecasts the next H points of each series, next to the seasonal naive, Theta and ETS baselines.
/// </summary>
/// <remarks>
/// Costs K trainings: lower <see cref="RnnForecastOptions.Epochs"/> and <see cref="RnnForecastOptions.EnsembleSize"/>
/// to bound it. Only the public training and forecasting API is used, so the scores are what a user of the model sees.
/// <code>
/// var cv = ForecastCrossValidation.Run([new ForecastSeries(history)], new RnnForecastOptions { Horizon = 12 }, windows: 3);
/// Console.WriteLine($"MASE {cv.Overall.Model.Mase:F3} vs seasonal naive {cv.Overall.SeasonalNaive.Mase:F3}");
/// </code>
/// </remarks>
public static class ForecastCrossValidation
{
    /// <summary>Fewest points a window trains on: what the trainer forecasts from at all.</summary>
    public const int MinTrainingPoints = 3;

    /// <summary>Runs K windows of <see cref="RnnForecastOptions.Horizon"/> points, <paramref name="step"/> apart, over every series.</summary>
    /// <param name="series">The series (distinct keys; NaN = missing). Cutoffs are counted from each series' own end.</param>
    /// <param name="options">How each window's model is trained; its horizon is H.</param>
    /// <param name="windows">K ≥ 1.</param>
    /// <param name="step">S ≥ 1, points between cutoffs; 0: S = H (windows side by side).</param>
    /// <param name="levels">Interval levels, fractions in (0, 1); null: the options' confidence level.</param>
    /// <param name="progress">Receives each window's training progress (its <see cref="TrainingProgress.Stage"/> prefixed with "window k/K") and an info line per window.</param>
    /// <param name="cancellationToken">Stops between batches of a training.</param>
    /// <exception cref="ArgumentException">K or S out of range, or an option out of range.</exception>
    /// <exception cref="DataException">No series, or a series too short for K windows of H points S apart (the message names it and the length needed).</exception>
    public static CrossValidationResult Run(IReadOnlyList<ForecastSeries> series, RnnForecastOptions options, int windows, int step = 0,
        IReadOnlyList<double>? levels = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int h = options.Horizon;
        if (windows < 1) throw new ArgumentOutOfRangeException(nameof(windows), windows, $"The number of windows must be at least 1, got {windows}.");
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"The step between cutoffs must be at least 1 (or 0 for the horizon), got {step}.");
        int s = step == 0 ? h : step;
        if (series.Count == 0) throw new DataException("There is no series to cross-validate.");
        long needed = MinTrainingPoints + h + (long)(windows - 1) * s;
        var shortest = series.MinBy(x => x.Values.Count)!;
        if (shortest.Values.Count < needed)
            throw new DataException($"{Name(shortest.Key)} has {shortest.Values.Count} values; {windows} window(s) of horizon {h}, {s} apart, need at least "
                + $"{MinTrainingPoints} + {h} + ({windows} − 1) × {s} = {needed} (the first window trains on at least {MinTrainingPoints}): use fewer windows, a shorter horizon or a smaller step.");

        levels ??= [options.ConfidenceLevel];
        foreach (double level in levels)
            if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(levels), level, $"Each level must be a fraction in (0, 1), got {level}.");
        if (levels.Count == 0 || levels.Distinct().Count() != levels.Count) throw new ArgumentException($"Give one or more distinct levels, got [{string.Join(", ", levels)}].", nameof(levels));
        int season = 0;
        var points = new List<CrossValidationPoint>();
        var scales = new Dictionary<(int Window, string Key), double>();
        for (int w = 1; w <= windows; w++)
        {
            int back = h + (windows - w) * s;
            var training = series.Select(x => new ForecastSeries(x.Key, x.Values.Take(x.Values.Count - back).ToArray())).ToList();
            progress?.Report(new TrainingProgress
            {
                Kind = TrainingProgressKind.Info,
                Message = $"window {w}/{windows}: training on all but the last {back} point(s) of each series ({training.Min(t => t.Values.Count)} to {training.Max(t => t.Values.Count)} points), forecasting {h}",
            });
            var windowProgress = progress is null ? null : new Progress(progress, $"window {w}/{windows}");
            using var model = RnnForecastTrainer.Train(training, options, windowProgress, cancellationToken);
            if (season == 0)
            {
                int fewest = training.Min(t => t.Values.Count);
                season = (options.Seasons.Count > 0 ? options.Seasons : model.Seasons).Where(m => m > 1 && 2 * m <= fewest).DefaultIfEmpty(1).Max();
            }
            var forecasts = model.ForecastBatch(training.Select(t => model.PrepareInput(t.Values, t.Key)).ToList(), levels);
            var methods = training.GroupBy(t => model.MethodOf(t.Key)).Select(g => $"{g.Key.ToString().ToLowerInvariant()} {g.Count()}");
            progress?.Report(new TrainingProgress { Kind = TrainingProgressKind.Info, Message = $"window {w}/{windows}: series forecast by {string.Join(", ", methods)}" });
            for (int i = 0; i < series.Count; i++)
            {
                var train = MissingValues.Fill(training[i].Values, Name(training[i].Key), out _);
                int m = season < train.Length ? season : 1;
                var theta = ThetaMethod.Forecast(train, m, h);
                var ets = EtsMethod.Baseline(train, m, h);
                scales[(w, training[i].Key)] = ForecastAccuracy.MaseScale(train, m);
                var f = forecasts[i];
                var method = model.MethodOf(training[i].Key);
                for (int k = 0; k < h; k++)
                {
                    double naive = train[train.Length - m + k % m];
                    points.Add(new CrossValidationPoint(training[i].Key, w, train.Length, k + 1, series[i].Values[train.Length + k], f.Forecast[k],
                        f.Intervals.Select(v => v.Lower[k]).ToArray(), f.Intervals.Select(v => v.Upper[k]).ToArray(), naive, theta[k], ets[k], method));
                }
            }
        }
        var perWindow = Enumerable.Range(1, windows).Select(w => Score(w, points.Where(p => p.Window == w).ToList(), scales, levels.Count)).ToList();
        return new CrossValidationResult(h, s, season, levels.ToArray(), points, perWindow, Score(0, points, scales, levels.Count));
    }

    private static string Name(string key) => key.Length == 0 ? "the series" : $"series '{key}'";

    private static CrossValidationScores Score(int window, List<CrossValidationPoint> points, Dictionary<(int, string), double> scales, int levels)
    {
        var scored = points.Where(p => double.IsFinite(p.Actual)).ToList();
        ForecastScore Of(Func<CrossValidationPoint, double> forecast, bool intervals)
        {
            // MASE per series and window, then the mean: each series counts once per window, however long its horizon.
            var mase = scored.GroupBy(p => (p.Window, p.Key))
                .Select(g => (Scale: scales[g.Key], Mae: g.Average(p => Math.Abs(p.Actual - forecast(p)))))
                .Where(x => x.Scale > 0).Select(x => x.Mae / x.Scale).DefaultIfEmpty(double.NaN).Average();
            double smape = scored.Select(p => ForecastAccuracy.Smape(p.Actual, forecast(p))).DefaultIfEmpty(double.NaN).Average();
            var coverage = intervals
                ? Enumerable.Range(0, levels).Select(j => scored.Select(p => p.Actual >= p.Lower[j] && p.Actual <= p.Upper[j] ? 1.0 : 0.0).DefaultIfEmpty(double.NaN).Average()).ToArray()
                : [];
            return new ForecastScore(mase, smape, coverage);
        }
        return new CrossValidationScores(window, Of(p => p.Forecast, true), Of(p => p.SeasonalNaive, false), Of(p => p.Theta, false), Of(p => p.Ets, false));
    }

    /// <summary>Passes a window's training progress on with the window in its stage.</summary>
    private sealed class Progress(IProgress<TrainingProgress> inner, string window) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) =>
            inner.Report(value with { Stage = value.Stage.Length == 0 ? window : $"{window} {value.Stage}" });
    }
}
