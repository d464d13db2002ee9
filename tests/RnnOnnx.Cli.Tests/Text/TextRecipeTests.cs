using System.Text.Json;
using RnnOnnx.Cli.Text;
using RnnOnnx.Text;

namespace RnnOnnx.Cli.Tests.Text;

public sealed class TextRecipeTests
{
    private static TextRecipe Parse(string json)
    {
        // A recipe always names its task; these cases test the other members.
        using var doc = JsonDocument.Parse(json.Contains("\"task\"", StringComparison.Ordinal) ? json : "{\"task\":\"generate\"," + json[1..]);
        return TextRecipe.Parse(doc.RootElement);
    }

    [Fact]
    public void A_full_recipe_is_read()
    {
        var r = Parse("""{"task":"generate","data":"t.txt","architecture":{"embedding":4,"units":9,"layers":2},"optimizer":"sgd","lr":0.5,"clip":0,"epochs":3,"batch":5,"window":6,"seed":7,"validation":0.25}""");
        Assert.Equal(new TextRecipe { Data = "t.txt", Options = new TextTrainingOptions { Embedding = 4, Units = 9, Layers = 2, Optimizer = TextOptimizer.Sgd, LearningRate = 0.5f, Clip = 0, Epochs = 3, BatchSize = 5, Window = 6, Seed = 7, ValidationSplit = 0.25 } }, r);
    }

    [Theory]
    [InlineData("""{"data":"t.txt","epochz":3}""", "member 'epochz' is unknown (TextTrainingOptions has no member of that name)")]
    [InlineData("""{"data":"t.txt","architecture":{"unit":3}}""", "member 'architecture.unit' is unknown (TextArchitecture has no member of that name)")]
    [InlineData("""{"data":"t.txt","epochs":"3"}""", "member 'epochs' must be an integer.")]
    [InlineData("""{"data":"t.txt","window":2.5}""", "member 'window' must be an integer.")]
    [InlineData("""{"data":"t.txt","architecture":{"units":true}}""", "member 'architecture.units' must be an integer.")]
    [InlineData("""{"data":"t.txt","lr":"fast"}""", "member 'lr' must be a number.")]
    [InlineData("""{"data":5}""", "member 'data' must be a string.")]
    [InlineData("""{"data":"t.txt","batch":0}""", "TextTrainingOptions.BatchSize (\"batch\") must be at least 1, got 0.")]
    [InlineData("""{"data":"t.txt","task":"forecast"}""", "member 'task' is 'forecast', but this is a recipe of task \"generate\"")]
    [InlineData("""{"data":"t.txt","optimizer":"adagrad"}""", "member 'optimizer' must be one of the strings \"adam\", \"adamw\", \"sgd\", \"rmsprop\".")]
    [InlineData("""{"epochs":3}""", "member 'data' is missing.")]
    [InlineData("""{"data":"t.txt","architecture":[1]}""", "member 'architecture' must be an object (TextArchitecture).")]
    public void Bad_fields_are_named(string json, string expected)
    {
        var e = Assert.Throws<DataException>(() => Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
