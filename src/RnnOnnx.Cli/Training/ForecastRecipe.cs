using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RnnOnnx.Forecasting;
using RnnOnnx.Forecasting.Data;

namespace RnnOnnx.Cli.Training;

/// <summary>
/// The recipe of task "forecast": one series from a CSV file (read as `rnnonnx forecast` reads it) — members "data"
/// and "column" — and every other member an <see cref="RnnForecastOptions"/> member ("horizon" required); writes the
/// ONNX model `rnnonnx forecast --save` writes. The forecaster trains an ensemble with early stopping and keeps no
/// checkpoints, so this task cannot `--resume`; it is deterministic for a seed, so running it again gives the same model.
/// </summary>
internal sealed record ForecastRecipe : ITrainingRecipe
{
    public string Data { get; init; } = "";
    public string? Column { get; init; }
    public RnnForecastOptions Options { get; init; } = new();

    private sealed record Head : RecipeHead
    {
        [JsonPropertyName("data"), JsonRequired] public string Data { get; init; } = "";
        [JsonPropertyName("column")] public string? Column { get; init; }
    }

    /// <summary>Reads the recipe object.</summary>
    /// <exception cref="DataException">Unknown, missing or bad member (the message names it and <paramref name="source"/>).</exception>
    public static ForecastRecipe Parse(JsonElement root, string source = "The recipe")
    {
        var (head, options) = RecipeJson.Read<Head, RnnForecastOptions>(root, source, "forecast", o => o.Validate());
        return new ForecastRecipe { Data = head.Data, Column = head.Column, Options = options };
    }

    public ITrainingRecipe RelativeTo(string recipeFolder) => this with { Data = RecipeJson.Resolve(Data, recipeFolder) };

    /// <summary>None: the ensemble's training keeps no checkpoints.</summary>
    public string? CheckpointPath(string outPath) => null;

    public string Train(string outPath, string? resumeFrom, ITrainingProgress progress, CancellationToken stop)
    {
        if (resumeFrom is not null) throw new ArgumentException("--resume: task \"forecast\" keeps no checkpoints (its ensemble trains with early stopping in one go); run the recipe again — the same seed gives the same model.");
        var table = SeriesTable.Read(Data, new SeriesTableOptions { ValueColumn = Column });
        if (table.Series.Count > 1) throw new DataException($"'{Data}' holds {table.Series.Count} series; a forecast recipe takes one.");
        var values = table.Series[0].Values.ToArray();
        string name = table.ValueColumn;
        var clock = Stopwatch.StartNew();
        using var model = RnnForecastTrainer.Train([new ForecastSeries(values)], Options, new ProgressLines(progress, validation: null), stop);
        model.Save(outPath);
        return string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: column '{name}', {values.Length} points, horizon {model.Horizon}, window {model.WindowSize}, season {string.Join(",", model.Seasons)}, {clock.Elapsed.TotalSeconds:F1} s");
    }
}
