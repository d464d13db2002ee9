using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RnnOnnx.Cli.Forecasting;
using RnnOnnx.Forecasting;
using static RnnOnnx.Cli.Training.RecipeFields;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// The recipe of task "forecast": one series from a CSV file (read as `rnnonnx forecast` reads it) and the options of
/// <see cref="RnnForecastOptions"/>; writes the ONNX model `rnnonnx forecast --save` writes. The forecaster trains an
/// ensemble with early stopping and keeps no checkpoints, so this task cannot `--resume`; it is deterministic for a
/// seed, so running it again gives the same model.
/// </summary>
internal sealed record ForecastRecipe : ITrainingRecipe
{
    public string Data { get; init; } = "";
    public string? Column { get; init; }
    public RnnForecastOptions Options { get; init; } = new();

    /// <summary>Parses the recipe object; "horizon" is required, everything else has the forecaster's defaults.</summary>
    /// <exception cref="DataException">Unknown field, wrong type or value (the message names the field).</exception>
    public static ForecastRecipe Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new DataException("The recipe must be a JSON object.");
        var o = new RnnForecastOptions();
        string? data = null, column = null;
        bool hasHorizon = false;
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "task": Choice(v, "task", "forecast"); break;
                case "data": data = RecipeFields.String(v, "data"); break;
                case "column": column = RecipeFields.String(v, "column"); break;
                case "horizon": o.Horizon = Integer(v, "horizon", 1, 100_000); hasHorizon = true; break;
                case "season": o.Season = Integer(v, "season", 0, 100_000); break;
                case "window": o.WindowSize = Integer(v, "window", 0, 100_000); break;
                case "transform": o.Transform = Enum.Parse<ForecastTransform>(Choice(v, "transform", "auto", "none", "log"), ignoreCase: true); break;
                case "confidence": o.ConfidenceLevel = (float)Number(v, "confidence", 0.01, 0.999); break;
                case "architecture": Architecture(o, v); break;
                case "lr": o.LearningRate = (float)Number(v, "lr", 1e-7, 10); break;
                case "epochs": o.Epochs = Integer(v, "epochs", 1, 100_000); break;
                case "patience": o.EarlyStoppingPatience = Integer(v, "patience", 0, 100_000); break;
                case "ensemble": o.EnsembleSize = Integer(v, "ensemble", 1, 100); break;
                case "max_windows": o.MaxWindowsPerSeries = Integer(v, "max_windows", 1, 10_000_000); break;
                case "seed": o.Seed = Integer(v, "seed", 0, int.MaxValue); break;
                default:
                    throw Unknown(p.Name, "task", "data", "column", "horizon", "season", "window", "transform", "confidence", "architecture", "lr", "epochs", "patience", "ensemble", "max_windows", "seed");
            }
        }
        if (string.IsNullOrEmpty(data)) throw new DataException("Recipe field 'data' is missing: give the path of the series CSV.");
        if (!hasHorizon) throw new DataException("Recipe field 'horizon' is missing: give the number of points to forecast.");
        return new ForecastRecipe { Data = data, Column = column, Options = o };
    }

    private static void Architecture(RnnForecastOptions o, JsonElement v)
    {
        foreach (var p in Object(v, "architecture", "{\"cell\": \"gru\", \"units\": 32, \"layers\": 1, \"dropout\": 0}"))
            switch (p.Name)
            {
                case "cell": o.Cell = Enum.Parse<ForecastCell>(Choice(p.Value, "architecture.cell", "gru", "lstm"), ignoreCase: true); break;
                case "units": o.Units = Integer(p.Value, "architecture.units", 1, 8192); break;
                case "layers": o.Layers = Integer(p.Value, "architecture.layers", 1, 16); break;
                case "dropout": o.Dropout = (float)Number(p.Value, "architecture.dropout", 0, 0.95); break;
                default: throw Unknown($"architecture.{p.Name}", "cell", "units", "layers", "dropout");
            }
    }

    public ITrainingRecipe RelativeTo(string recipeFolder) => this with { Data = Resolve(Data, recipeFolder) };

    /// <summary>None: the ensemble's training keeps no checkpoints.</summary>
    public string? CheckpointPath(string outPath) => null;

    public string Train(string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop)
    {
        if (resumeFrom is not null) throw new ArgumentException("--resume: task \"forecast\" keeps no checkpoints (its ensemble trains with early stopping in one go); run the recipe again — the same seed gives the same model.");
        var values = SeriesCsv.Read(Data, Column, out string name);
        var clock = Stopwatch.StartNew();
        using var model = RnnForecastModel.Train(new Dictionary<string, IReadOnlyList<double>> { [""] = values }, Options, progress.Line);
        int missing = model.Report!.MissingFilled.Values.Sum();
        if (missing > 0) progress.Line($"note: {missing} missing value(s) in column '{name}' were filled by linear interpolation.");
        model.Save(outPath);
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: column '{name}', {values.Length} points, horizon {model.Horizon}, window {model.WindowSize}, season {model.Season}, {clock.Elapsed.TotalSeconds:F1} s");
    }
}
