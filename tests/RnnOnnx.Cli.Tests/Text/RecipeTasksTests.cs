using System.Text.Json;
using RnnOnnx.Cli.Text;
using RnnOnnx.Cli.Training;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Text;

/// <summary>`rnnonnx train` dispatches on the recipe's "task".</summary>
public sealed class RecipeTasksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rnnonnx-recipes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ITrainingRecipe Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return RecipeTasks.Parse(doc.RootElement);
    }

    [Fact]
    public void Each_task_gets_its_own_recipe()
    {
        Assert.IsType<TextRecipe>(Parse("""{"task":"generate","data":"t.txt"}"""));
        Assert.IsType<ForecastRecipe>(Parse("""{"task":"forecast","data":"s.csv","horizon":4}"""));
        Assert.Equal(["generate", "forecast", "caption"], RecipeTasks.Names);
    }

    [Theory]
    [InlineData("""{"task":"translate","data":"d"}""", "The recipe: member 'task' is 'translate', which `rnnonnx train` does not know; known tasks: \"generate\", \"forecast\", \"caption\".")]
    [InlineData("""{"data":"t.txt"}""", "The recipe has no member 'task'; known tasks: \"generate\", \"forecast\", \"caption\".")]
    [InlineData("""{"task":3,"data":"t.txt"}""", "The recipe: member 'task' must be a string, got 3; known tasks")]
    [InlineData("""[1,2]""", "The recipe must be a JSON object.")]
    [InlineData("""{"task":"generate","data":"t.txt","horizon":3}""", "The recipe: member 'horizon' is unknown (TextTrainingOptions has no member of that name).")]
    public void Bad_tasks_and_fields_are_named(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<DataException>(() => Parse(json)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_task_fails_the_command_with_one_line_listing_the_known_ones()
    {
        string recipe = Path.Combine(_dir, "r.json");
        File.WriteAllText(recipe, """{"task":"translate","data":"x.txt"}""");
        var r = Run("train", "--recipe", recipe, "--out", Path.Combine(_dir, "m.onnx"));
        Assert.Equal(1, r.Exit);
        Assert.Equal($"error: Recipe '{recipe}': member 'task' is 'translate', which `rnnonnx train` does not know; known tasks: \"generate\", \"forecast\", \"caption\".", r.Error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(_dir, "m.onnx")));
    }

    [Fact]
    public void Help_lists_the_tasks_and_says_which_can_resume()
    {
        var r = Run("train", "--help");
        Assert.Equal(0, r.Exit);
        Assert.Contains("generate, forecast", r.Output, StringComparison.Ordinal);
        Assert.Contains("\"forecast\" keeps no checkpoints", r.Output, StringComparison.Ordinal);
    }
}
