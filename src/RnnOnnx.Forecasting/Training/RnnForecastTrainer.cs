using System.Diagnostics;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Onnx;
using RnnOnnx.Forecasting.Training;
using RnnOnnx.Optimizers;
using RnnOnnx.Runtime;
using RnnOnnx.Training;

namespace RnnOnnx.Forecasting;

/// <summary>
/// Trains a global forecaster over one or more series:
/// <list type="number">
/// <item>fill gaps, choose transform, scale and drift per series, detect the season;</item>
/// <item>calibration run: train the seed ensemble on each series minus its last H points (early stopping on the
/// newest windows; windows and their mirror images, targets net of the drift: see <see cref="ForecastWindows"/>),
/// forecast those H points (network + h × drift) from every origin inside them, and keep the out-of-sample errors;</item>
/// <item>final run: retrain the ensemble on everything for the epochs the calibration run chose;</item>
/// <item>export the members' step graphs merged into one ONNX model with the config.</item>
/// </list>
/// Intervals are split-conformal (Vovk et al., 2005; Stankeviciute et al., 2021): errors e_{t,h}/s are brought to
/// one horizon by √h (random-walk growth) and pooled; the half-width at h is the ⌈(N+1)c⌉-th smallest of N
/// pooled scores, times √h.
/// </summary>
/// <remarks>
/// Progress: one <see cref="TrainingProgress"/> per batch and epoch of every member's fit (stages "calibration i/E" and
/// "final i/E", work counted in training windows), info lines for the data and each stage, and a warning per series
/// whose missing values were filled.
/// </remarks>
public static class RnnForecastTrainer
{
    /// <summary>
    /// Trains one global model over the series (NaN marks a missing value, filled by linear interpolation and
    /// reported as a warning), each scaled on its own. The model runs on the CPU; to run it elsewhere, Save it and
    /// Load it with an execution provider.
    /// </summary>
    /// <param name="series">The series (distinct keys).</param>
    /// <param name="options">How to train (validated first).</param>
    /// <param name="progress">Receives epochs, losses, stage lines and warnings, synchronously; null: warnings go to standard error.</param>
    /// <param name="cancellationToken">Stops training between batches (<see cref="OperationCanceledException"/>).</param>
    /// <exception cref="DataException">No series, a duplicate key, or a series too short, constant or all missing.</exception>
    /// <exception cref="ArgumentException">An option is out of range (named with its value).</exception>
    public static RnnForecastModel Train(IReadOnlyList<ForecastSeries> series, RnnForecastOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var reporter = new TrainingProgressReporter(progress, "windows");
        var (onnx, config, report) = Fit(series, options, reporter, cancellationToken);
        return new RnnForecastModel(onnx, config, ExecutionProvider.Cpu, reporter.Warn) { Report = report };
    }

    private static (byte[] Onnx, ForecastConfig Config, ForecastTrainingReport Report) Fit(
        IReadOnlyList<ForecastSeries> input, RnnForecastOptions options, TrainingProgressReporter reporter, CancellationToken cancellationToken)
    {
        if (input.Count == 0) throw new DataException("There is no series to train on.");
        if (input.GroupBy(s => s?.Key ?? throw new DataException("A series is null.")).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new DataException($"Series key '{duplicate.Key}' is given {duplicate.Count()} times; keys must be distinct.");
        var clock = Stopwatch.StartNew();
        int horizon = options.Horizon;
        var filled = new List<(string Key, string Name, double[] Z, bool Log)>();
        var missing = new Dictionary<string, int>();
        foreach (var (key, values) in input)
        {
            string name = key.Length == 0 ? "the series" : $"'{key}'";
            if (values is null) throw new DataException($"{SeriesScaler.Subject(name)} has no values.");
            var y = MissingValues.Fill(values, name, out int gaps);
            if (y.Length < 3) throw new DataException($"{SeriesScaler.Subject(name)} has {y.Length} point(s); at least 3 are needed to forecast.");
            if (gaps > 0)
            {
                missing[key] = gaps;
                reporter.Warning($"{gaps} missing value(s) in {name} were filled by linear interpolation.");
            }
            bool log = SeriesScaler.UsesLog(y, options.Transform, name);
            filled.Add((key, name, y.Select(v => log ? Math.Log(v) : v).ToArray(), log));
        }
        int[] seasons = options.Seasons.Count > 0 ? options.Seasons.Distinct().Order().ToArray()
            : [SeasonDetector.Detect(filled.OrderByDescending(s => s.Z.Length).First().Z)];
        var series = filled.Select(s => Adjust(s.Key, s.Name, s.Z, s.Log, seasons)).ToList();

        // Calibration holds out H points, and training needs a window plus H more, plus a few windows to learn from.
        // The window is sized for the longest series; a series with too little room for it is forecast by exponential smoothing.
        const int MinWindows = 8, MinWindow = 4, MaxWindow = 100;
        int longest = series.Max(s => s.Adjusted.Length);
        int shortestSeason = seasons.Where(m => m > 1).DefaultIfEmpty(1).Min();
        int window = options.WindowSize > 0 ? options.WindowSize
            : Math.Min(Math.Min(Math.Max(Math.Max(3 * shortestSeason, 2 * horizon), 16), MaxWindow), longest - 2 * horizon - MinWindows);
        var constant = series.Where(s => SeriesScaler.IsConstant(s.Z)).ToList();
        foreach (var s in constant) reporter.Info($"{s.Name} is constant: there is nothing to learn; it is forecast as that value (by exponential smoothing)");
        var networked = series.Where(s => window >= MinWindow && s.Adjusted.Length - 2 * horizon - window >= 1 && !constant.Contains(s)).ToList();
        foreach (var s in series.Where(s => !networked.Contains(s) && !constant.Contains(s)))
            reporter.Info($"{s.Name} ({s.Adjusted.Length} points) is too short for the network at horizon {horizon} " +
                $"(it needs {Math.Max(window, MinWindow) + 2 * horizon + 1}: window {Math.Max(window, MinWindow)} + horizon {horizon} to learn + horizon {horizon} to calibrate + 1): forecast by exponential smoothing (ETS)");
        reporter.Info($"seasons {string.Join(",", seasons)}, window {window}, horizon {horizon}, {series.Count} series ({networked.Count} by the network)" +
            (missing.Count > 0 ? $", filled {missing.Values.Sum()} missing value(s) by linear interpolation" : ""));
        var methods = series.ToDictionary(s => s.Key, s => networked.Contains(s)
            ? new SeriesMethod(ForecastMethod.Network, s.Seasons) { Profiles = s.Profiles } : SeriesMethod.Ets(s.Z, seasons));
        foreach (var s in series)
        {
            var m = methods[s.Key];
            if (m.Seasons.Length > 0) reporter.Info($"{s.Name}: seasonal profile(s) {string.Join(",", m.Seasons)} removed before {(m.Method == ForecastMethod.Network ? "the network" : "exponential smoothing")}");
            if (m.EtsSeason > 1) reporter.Info($"{s.Name}: season {m.EtsSeason} offered to exponential smoothing's seasonal state");
        }
        var scores = new List<double>();
        var holdout = new Dictionary<string, HoldoutScores>();
        List<Sequential> finalMembers;
        int epochs = 0;
        if (networked.Count == 0)
        {
            // Nothing to train on: the file still carries a step graph (its format is one shape), untrained and
            // marked unused ("network": false), and every series, seen or not, is forecast by exponential smoothing.
            var placeholder = Build(options with { Units = 1, Layers = 1, Dropout = 0 });
            placeholder.Build(new LayerShape(true, 1), (ulong)(uint)options.Seed);
            finalMembers = [placeholder];
            window = Math.Max(1, window);
        }
        else
        {
            // Calibration run: each series minus its last H points, prepared from those points alone.
            var held = networked.Select(s => Adjust(s.Key, s.Name, s.Z[..^horizon], s.Scaler.Log, s.Seasons)).ToList();
            var calibration = held.Select(s => (s.Adjusted, s.Scaler.Scale)).ToList();
            var final = networked.Select(s => (s.Adjusted, s.Scaler.Scale)).ToList();
            long calibrationWindows = ForecastWindows.Count(calibration, window, horizon, options.MaxWindowsPerSeries);
            long finalWindows = ForecastWindows.Count(final, window, horizon, options.MaxWindowsPerSeries);
            reporter.Total = options.EnsembleSize * (long)options.Epochs * (calibrationWindows + finalWindows);
            var (members, calibrationEpochs) = FitEnsemble(calibration, window, options, "calibration", 0, earlyStopping: true, reporter, cancellationToken);
            epochs = calibrationEpochs;
            for (int k = 0; k < networked.Count; k++)
            {
                var s = networked[k];
                var c = held[k];
                int n = s.Adjusted.Length, m = c.Adjusted.Length;
                // The held-out points on the calibration run's adjusted scale: the full series' z minus the
                // calibration profiles continued into the holdout.
                var a = new double[n];
                for (int t = 0; t < n; t++) a[t] = t < m ? c.Adjusted[t] : s.Z[t] - SeasonalAdjustment.At(c.Profiles, c.Seasons, t);
                int before = scores.Count;
                for (int origin = m - 1; origin <= n - 2; origin++)
                {
                    var output = PredictNative(members, ForecastWindows.Context(a, origin, window, c.Scaler.Scale), horizon);
                    for (int h = 1; origin + h <= n - 1; h++)
                        scores.Add(Math.Abs(a[origin + h] - (a[origin] + c.Scaler.Scale * (output[h - 1] + h * c.Scaler.Drift))) / c.Scaler.Scale / Math.Sqrt(h));
                }
                // Smoothing as the blend would run it: on the calibration run's adjusted series with its own season's profile back.
                var blend = new SeriesMethod(ForecastMethod.Blend, c.Seasons) { Profiles = c.Profiles, EtsSeason = SeriesMethod.OwnEtsSeason(m, seasons) };
                double network = scores.Skip(before).Average(), ets = HoldoutEtsScore(blend, a, m, horizon, c.Scaler.Scale);
                holdout[s.Key] = new HoldoutScores(network, ets);
                if (options.Method == ForecastMethodChoice.Auto && ets < EtsMargin * network)
                {
                    // Bates & Granger (1969): weights inverse to the error variances, here estimated as the squared
                    // mean absolute errors (proportional to the variances for normal errors).
                    double weight = network * network / (network * network + ets * ets);
                    methods[s.Key] = methods[s.Key] with { Method = ForecastMethod.Blend, EtsWeight = weight, EtsSeason = blend.EtsSeason };
                    reporter.Info($"{s.Name}: exponential smoothing beat the network on the held-out {horizon} points (mean scaled error {ets:F3} vs {network:F3}): forecast by both, weighted {weight:F2} : {1 - weight:F2}");
                }
            }
            reporter.Info($"calibrated intervals on {scores.Count} out-of-sample errors; final training for {epochs} epochs");

            // Final run on everything, for the epochs the calibration run found best.
            long calibrationDone = options.EnsembleSize * (long)options.Epochs * calibrationWindows;
            reporter.Total = calibrationDone + options.EnsembleSize * (long)epochs * finalWindows;
            var finalOptions = options with { Epochs = epochs, EarlyStoppingPatience = 0 };
            (finalMembers, _) = FitEnsemble(final, window, finalOptions, "final", calibrationDone, earlyStopping: false, reporter, cancellationToken);
        }
        scores.Sort();
        double q = scores.Count == 0 ? 0 : scores[Math.Min(scores.Count, (int)Math.Ceiling((scores.Count + 1) * options.ConfidenceLevel)) - 1];

        var config = new ForecastConfig
        {
            Window = window, Horizon = horizon, Season = seasons[0], Seasons = seasons, AdjustSeasons = true, Network = networked.Count > 0, Classical = ForecastMethod.Ets,
            Transform = options.Transform, Confidence = options.ConfidenceLevel,
            IntervalHalfWidth = Enumerable.Range(1, horizon).Select(h => q * Math.Sqrt(h)).ToArray(),
            ScoreGrid = scores.Count > 0 ? ScoreGrid.Of(scores) : [0, 0],
            CalibrationResiduals = scores.Count, Ensemble = finalMembers.Count, Cell = options.Cell,
            Layers = options.Layers, Units = options.Units,
            Series = series.ToDictionary(s => s.Key, s => s.Scaler),
            Methods = methods,
        };
        var exported = finalMembers.Select((m, i) => OnnxExporter.Export(m, new OnnxExportOptions
        {
            Kind = OnnxGraphKind.Step, Task = ModelTask.Forecast, Config = config.ToJson(),
            Metadata = new Dictionary<string, string> { ["rnnonnx.ensemble"] = finalMembers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        })).ToList();
        var report = new ForecastTrainingReport(seasons, window, missing, scores.Count, epochs, clock.Elapsed)
        {
            Methods = methods.ToDictionary(p => p.Key, p => p.Value.Method),
            SeasonalProfiles = methods.ToDictionary(p => p.Key, p => (IReadOnlyList<int>)p.Value.Seasons),
            Holdout = holdout,
        };
        return (OnnxEnsemble.Mean(exported), config, report);
    }

    /// <summary>
    /// Exponential smoothing's mean score |a_{o+h} − â_{o+h|o}| / (s·√h) on the calibration holdout, as a blend runs it
    /// (<see cref="Classical.ClassicalFallback.EtsInput"/>, the newest points up to its memory): fitted on the first
    /// <paramref name="m"/> adjusted points, run through the held-out ones from every origin o = m−1..n−2, as the
    /// calibration network's forecasts were. The same errors in the same units as the network's scores.
    /// </summary>
    private static double HoldoutEtsScore(SeriesMethod blend, double[] a, int m, int horizon, double scale)
    {
        int from = Math.Max(0, m - Classical.ClassicalFallback.Memory);
        var y = Classical.ClassicalFallback.EtsInput(blend, a.AsSpan(from), from);
        var scores = new List<double>();
        Classical.EtsMethod.Fit(y.AsSpan(0, m - from), blend.EtsSeason).Run(y, scores, m - 1 - from, horizon, scale);
        return scores.Average();
    }

    /// <summary>A transformed series with the seasons significant in it removed as profiles, and its scaler.</summary>
    private sealed record TrainingSeries(string Key, string Name, double[] Z, double[] Adjusted, int[] Seasons, double[][] Profiles, SeriesScaler Scaler);

    private static TrainingSeries Adjust(string key, string name, double[] z, bool log, IReadOnlyList<int> seasons)
    {
        var significant = SeasonalAdjustment.Significant(z, seasons);
        var profiles = SeasonalAdjustment.Profiles(z, significant);
        var a = new double[z.Length];
        for (int t = 0; t < z.Length; t++) a[t] = z[t] - SeasonalAdjustment.At(profiles, significant, t);
        return new TrainingSeries(key, name, z, a, significant, profiles, SeriesScaler.FitAdjusted(a, log, name));
    }

    /// <summary>
    /// Trains the ensemble and returns it with the epochs for a final run: the median of the members' best epochs, at
    /// least 10 (a short early stop on noisy validation windows is not trusted) but never more than were asked for.
    /// </summary>
    private static (List<Sequential> Members, int Epochs) FitEnsemble(List<(double[] Z, double Scale)> data, int window, RnnForecastOptions options,
        string stage, long doneBefore, bool earlyStopping, TrainingProgressReporter reporter, CancellationToken cancellationToken)
    {
        var (x, y) = ForecastWindows.Build(data, window, options.Horizon, options.MaxWindowsPerSeries);
        var members = new List<Sequential>();
        var bestEpochs = new List<int>();
        bool validate = earlyStopping && options.EarlyStoppingPatience > 0 && x.Dim(0) >= 10;
        long perEpoch = (long)x.Dim(0);
        for (int e = 0; e < options.EnsembleSize; e++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Windows are planned at the most epochs per member; a member that stops early leaves the rest uncounted.
            var (onBatch, onEpoch) = reporter.Callbacks($"{stage} {e + 1}/{options.EnsembleSize}", options.Epochs,
                doneBefore + e * (long)options.Epochs * perEpoch, perEpoch, BatchSize);
            var model = Build(options);
            model.Compile(new Adam(options.LearningRate) { GlobalClipNorm = 1f }, new MeanAbsoluteError());
            var history = model.Fit(x, y, new FitOptions
            {
                Epochs = options.Epochs,
                BatchSize = BatchSize,
                Seed = (ulong)(uint)options.Seed * 1000003UL + (ulong)e,
                // "Validation on the last windows": Keras-style split from the end, where the newest windows are.
                ValidationSplit = validate ? 0.2 : 0,
                EarlyStopping = validate ? new EarlyStopping(options.EarlyStoppingPatience) : null,
                OnBatchEnd = onBatch,
                OnEpochEnd = onEpoch,
                CancellationToken = cancellationToken,
            });
            int best = validate ? history.BestEpoch : history.Loss.Count;
            bestEpochs.Add(best);
            reporter.Info($"  member {e + 1}/{options.EnsembleSize}: {history.Loss.Count} epochs, loss {history.Loss[^1]:F3}" +
                (validate ? $", best validation {history.ValidationLoss.Min():F3} at epoch {best}" : ""));
            members.Add(model);
        }
        bestEpochs.Sort();
        return (members, Math.Min(options.Epochs, Math.Max(10, bestEpochs[bestEpochs.Count / 2])));
    }

    private const int BatchSize = 32;

    /// <summary>
    /// Exponential smoothing joins the network on a series only when its holdout error is below this fraction of the
    /// network's. One holdout of H points is a noisy judge (a random walk such as DAX, 0.97 vs 1.01 there, lost 35 %
    /// on the test with smoothing's forecast); a clear margin keeps the blend to the series where the network really
    /// fails (trending quarterly series: 0.10 vs 0.53).
    /// </summary>
    private const double EtsMargin = 0.8;

    private static Sequential Build(RnnForecastOptions options)
    {
        var layers = new List<Layer>();
        for (int i = 0; i < options.Layers; i++)
        {
            layers.Add(options.Cell == ForecastCell.Lstm ? new Lstm(options.Units, returnSequences: true) : new Gru(options.Units, returnSequences: true));
            if (options.Dropout > 0) layers.Add(new Dropout(options.Dropout));
        }
        layers.Add(new Dense(options.Horizon));
        return new Sequential([.. layers]);
    }

    /// <summary>Mean of the members' last-step outputs, with the trainer (used only while training, for calibration).</summary>
    private static double[] PredictNative(List<Sequential> members, float[] context, int horizon)
    {
        var result = new double[horizon];
        var input = new Tensor(context, 1, context.Length, 1);
        foreach (var m in members)
        {
            var y = m.Predict(input);
            for (int h = 0; h < horizon; h++) result[h] += y.Data[(context.Length - 1) * horizon + h] / members.Count;
        }
        return result;
    }
}
