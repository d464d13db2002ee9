using System.Globalization;
using System.Text.Json;
using RnnOnnx.Cli.Training;
using RnnOnnx.Forecasting;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Forecasting;

/// <summary>`rnnonnx train` with a recipe of task "forecast".</summary>
public sealed class ForecastRecipeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-forecast-recipe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Series()
    {
        string path = Path.Combine(_dir, "series.csv");
        File.WriteAllLines(path, Enumerable.Range(0, 96).Select(t =>
            $"{t},{(100 + t + 10 * Math.Sin(2 * Math.PI * t / 12) + (t * 7919 % 13) / 4.0).ToString("R", CultureInfo.InvariantCulture)},x").Prepend("t,value,note"));
        return path;
    }

    private string Recipe(string fields)
    {
        Series();
        string path = Path.Combine(_dir, "recipe.json");
        File.WriteAllText(path, "{" + fields + "}");
        return path;
    }

    [Fact]
    public void A_forecast_recipe_writes_the_model_rnnonnx_forecast_saves_and_it_forecasts()
    {
        string viaRecipe = Path.Combine(_dir, "recipe.onnx"), viaForecast = Path.Combine(_dir, "forecast.onnx");
        string recipe = Recipe("""
            "task": "forecast", "data": "series.csv", "column": "value", "horizon": 5, "season": 12,
            "epochs": 10, "ensemble": 1, "seed": 3
            """);
        var train = Run("train", "--recipe", recipe, "--out", viaRecipe);
        Assert.True(train.Exit == 0, train.Error);
        Assert.Contains("season 12", train.Output, StringComparison.Ordinal); // the forecaster's own progress lines
        Assert.Contains($"wrote {viaRecipe}: column 'value', 96 points, horizon 5", train.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(viaRecipe + ".ckpt"));

        var forecast = Run("forecast", "--input", Path.Combine(_dir, "series.csv"), "--column", "value", "--horizon", "5", "--season", "12",
            "--epochs", "10", "--ensemble", "1", "--seed", "3", "--save", viaForecast, "--out", Path.Combine(_dir, "f.csv"));
        Assert.True(forecast.Exit == 0, forecast.Error);
        Assert.Equal(File.ReadAllBytes(viaForecast), File.ReadAllBytes(viaRecipe));

        using var model = RnnForecastModel.Load(viaRecipe);
        var history = File.ReadAllLines(Path.Combine(_dir, "series.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var next = model.Forecast(history);
        Assert.Equal(5, next.Forecast.Length);
        for (int i = 0; i < 5; i++)
        {
            Assert.InRange(next.Forecast[i], next.Lower[i], next.Upper[i]);
            Assert.InRange(next.Forecast[i], 150, 250); // the series is near 190 and rising: a trained model, not noise
        }
    }

    [Fact]
    public void Resume_is_refused_with_the_reason()
    {
        string checkpoint = Path.Combine(_dir, "any.ckpt");
        File.WriteAllText(checkpoint, "{}");
        var r = Run("train", "--recipe", Recipe("""
            "task": "forecast", "data": "series.csv", "horizon": 3, "epochs": 2, "ensemble": 1
            """), "--out", Path.Combine(_dir, "m.onnx"), "--resume", checkpoint);
        Assert.Equal(1, r.Exit);
        Assert.Contains("task \"forecast\" keeps no checkpoints", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "m.onnx")));
    }

    [Theory]
    [InlineData("""{"task":"forecast","data":"s.csv","horizon":3,"horzon":4}""", "The recipe: member 'horzon' is unknown (RnnForecastOptions has no member of that name).")]
    [InlineData("""{"task":"forecast","data":"s.csv","horizon":"3"}""", "The recipe: member 'horizon' must be an integer.")]
    [InlineData("""{"task":"forecast","data":"s.csv","horizon":0}""", "The recipe: RnnForecastOptions.Horizon (\"horizon\") must be at least 1, got 0.")]
    [InlineData("""{"task":"forecast","data":"s.csv"}""", "The recipe: member 'horizon' is missing.")]
    [InlineData("""{"task":"forecast","horizon":3}""", "The recipe: member 'data' is missing.")]
    [InlineData("""{"task":"forecast","data":"s.csv","horizon":3,"architecture":{"cell":"rnn"}}""", "The recipe: member 'architecture.cell' must be one of the strings \"lstm\", \"gru\".")]
    [InlineData("""{"task":"forecast","data":"s.csv","horizon":3,"architecture":{"dropout":true}}""", "The recipe: member 'architecture.dropout' must be a number.")]
    [InlineData("""{"task":"forecast","data":"s.csv","horizon":3,"transform":"sqrt"}""", "The recipe: member 'transform' must be one of the strings \"auto\", \"none\", \"log\".")]
    public void Bad_fields_are_named(string json, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        var e = Assert.Throws<DataException>(() => RecipeTasks.Parse(doc.RootElement));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_field_fails_the_command_with_one_line()
    {
        string recipe = Recipe("""
            "task": "forecast", "data": "series.csv", "horizon": 3, "ensembles": 2
            """);
        var r = Run("train", "--recipe", recipe, "--out", Path.Combine(_dir, "m.onnx"));
        Assert.Equal(1, r.Exit);
        Assert.Equal("", r.Output);
        Assert.StartsWith($"error: Recipe '{recipe}': member 'ensembles' is unknown (RnnForecastOptions has no member of that name).", r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
    }
}
