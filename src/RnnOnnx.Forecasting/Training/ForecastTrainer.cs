using System.Diagnostics;
using RnnOnnx.Layers;
using RnnOnnx.Losses;
using RnnOnnx.Forecasting.Preparation;
using RnnOnnx.Onnx;
using RnnOnnx.Optimizers;
using RnnOnnx.Training;

namespace RnnOnnx.Forecasting.Training;

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
internal static class ForecastTrainer
{
    public static (byte[] Onnx, ForecastConfig Config, ForecastTrainingReport Report) Train(
        IReadOnlyList<KeyValuePair<string, IReadOnlyList<double>>> input, RnnForecastOptions options, Action<string>? log)
    {
        options.Validate();
        if (input.Count == 0) throw new DataException("There is no series to train on.");
        var clock = Stopwatch.StartNew();
        int horizon = options.Horizon;
        var series = new List<(string Key, double[] Z, SeriesScaler Scaler)>();
        var missing = new Dictionary<string, int>();
        foreach (var (key, values) in input)
        {
            string name = key.Length == 0 ? "the series" : $"'{key}'";
            var y = MissingValues.Fill(values, name, out int gaps);
            if (gaps > 0) missing[key] = gaps;
            var scaler = SeriesScaler.Fit(y, options.Transform, name);
            series.Add((key, y.Select(scaler.Forward).ToArray(), scaler));
        }
        int season = options.Season > 0 ? options.Season : SeasonDetector.Detect(series.OrderByDescending(s => s.Z.Length).First().Z);
        int shortest = series.Min(s => s.Z.Length);
        // Calibration holds out H points, and training needs a window plus H more, plus a few windows to learn from.
        const int MinWindows = 8, MinWindow = 4;
        int room = shortest - 2 * horizon - MinWindows;
        int window = options.WindowSize > 0 ? options.WindowSize : Math.Min(Math.Min(Math.Max(Math.Max(3 * season, 2 * horizon), 16), 100), room);
        if (window < MinWindow || shortest - 2 * horizon - window < 1)
        {
            string which = series.Count == 1 ? "The series" : $"Series '{series.First(s => s.Z.Length == shortest).Key}'";
            throw new DataException($"{which} has {shortest} points, too short for a horizon of {horizon}: training needs at least " +
                $"{Math.Max(window, MinWindow) + 2 * horizon + 1} (window {Math.Max(window, MinWindow)} + horizon {horizon} to learn + horizon {horizon} to calibrate intervals + 1).");
        }
        log?.Invoke($"season {season}, window {window}, horizon {horizon}, {series.Count} series" +
            (missing.Count > 0 ? $", filled {missing.Values.Sum()} missing value(s) by linear interpolation" : ""));

        // Calibration run.
        var calibration = series.Select(s => (s.Z[..^horizon], s.Scaler.Scale)).ToList();
        var (members, epochs) = FitEnsemble(calibration, window, options, earlyStopping: true, log);
        var scores = new List<double>();
        foreach (var s in series)
        {
            int n = s.Z.Length;
            // The calibration run's drift, like its network, sees only the points before the held-out ones.
            double drift = SeriesScaler.MeanChange(s.Z[n - horizon - 1] - s.Z[0], n - horizon, s.Scaler.Scale);
            for (int origin = n - horizon - 1; origin <= n - 2; origin++)
            {
                var forecast = PredictNative(members, ForecastWindows.Context(s.Z, origin, window, s.Scaler.Scale), horizon);
                for (int h = 1; origin + h <= n - 1; h++)
                    scores.Add(Math.Abs(s.Z[origin + h] - (s.Z[origin] + s.Scaler.Scale * (forecast[h - 1] + h * drift))) / s.Scaler.Scale / Math.Sqrt(h));
            }
        }
        scores.Sort();
        int rank = Math.Min(scores.Count, (int)Math.Ceiling((scores.Count + 1) * options.ConfidenceLevel));
        double q = scores[rank - 1];
        log?.Invoke($"calibrated {options.ConfidenceLevel:P0} intervals on {scores.Count} out-of-sample errors; final training for {epochs} epochs");

        // Final run on everything, for the epochs the calibration run found best.
        var final = series.Select(s => (s.Z, s.Scaler.Scale)).ToList();
        var finalOptions = new RnnForecastOptions
        {
            Horizon = horizon, Cell = options.Cell, Layers = options.Layers, Units = options.Units, Dropout = options.Dropout,
            Epochs = epochs, EarlyStoppingPatience = 0, LearningRate = options.LearningRate, EnsembleSize = options.EnsembleSize,
            Seed = options.Seed, MaxWindowsPerSeries = options.MaxWindowsPerSeries,
        };
        var (finalMembers, _) = FitEnsemble(final, window, finalOptions, earlyStopping: false, log);

        var config = new ForecastConfig
        {
            Window = window, Horizon = horizon, Season = season, Transform = options.Transform.ToString().ToLowerInvariant(),
            Confidence = options.ConfidenceLevel,
            IntervalHalfWidth = Enumerable.Range(1, horizon).Select(h => q * Math.Sqrt(h)).ToArray(),
            CalibrationResiduals = scores.Count, Ensemble = options.EnsembleSize, Cell = options.Cell.ToString().ToLowerInvariant(),
            Layers = options.Layers, Units = options.Units,
            Series = series.ToDictionary(s => s.Key, s => s.Scaler),
        };
        var exported = finalMembers.Select((m, i) => OnnxExporter.Export(m, new OnnxExportOptions
        {
            Kind = OnnxGraphKind.Step, Task = ModelTask.Forecast, Config = config.ToJson(),
            Metadata = new Dictionary<string, string> { ["rnnonnx.ensemble"] = options.EnsembleSize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        })).ToList();
        var report = new ForecastTrainingReport(season, window, missing, scores.Count, epochs, clock.Elapsed);
        return (OnnxEnsemble.Mean(exported), config, report);
    }

    private static (List<Sequential> Members, int Epochs) FitEnsemble(
        List<(double[] Z, double Scale)> data, int window, RnnForecastOptions options, bool earlyStopping, Action<string>? log)
    {
        var (x, y) = ForecastWindows.Build(data, window, options.Horizon, options.MaxWindowsPerSeries);
        var members = new List<Sequential>();
        var bestEpochs = new List<int>();
        bool validate = earlyStopping && options.EarlyStoppingPatience > 0 && x.Dim(0) >= 10;
        for (int e = 0; e < options.EnsembleSize; e++)
        {
            var model = Build(options);
            model.Compile(new Adam(options.LearningRate) { GlobalClipNorm = 1f }, new MeanAbsoluteError());
            var history = model.Fit(x, y, new FitOptions
            {
                Epochs = options.Epochs,
                BatchSize = 32,
                Seed = (ulong)(uint)options.Seed * 1000003UL + (ulong)e,
                // "Validation on the last windows": Keras-style split from the end, where the newest windows are.
                ValidationSplit = validate ? 0.2 : 0,
                EarlyStopping = validate ? new EarlyStopping(options.EarlyStoppingPatience) : null,
            });
            int best = validate ? history.BestEpoch : history.Loss.Count;
            bestEpochs.Add(best);
            log?.Invoke($"  member {e + 1}/{options.EnsembleSize}: {history.Loss.Count} epochs, loss {history.Loss[^1]:F3}" +
                (validate ? $", best validation {history.ValidationLoss.Min():F3} at epoch {best}" : ""));
            members.Add(model);
        }
        bestEpochs.Sort();
        return (members, Math.Max(10, bestEpochs[bestEpochs.Count / 2]));
    }

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
