using System.Text.Json;
using RnnOnnx.Cli.Text;
using RnnOnnx.Text;

namespace RnnOnnx.Cli.Tests.Text;

public sealed class TextRecipeTests
{
    private static TextRecipe Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return TextRecipe.Parse(doc.RootElement);
    }

    [Fact]
    public void A_full_recipe_is_read()
    {
        var r = Parse("""{"task":"generate","data":"t.txt","architecture":{"embedding":4,"units":9,"layers":2},"optimizer":"sgd","lr":0.5,"clip":0,"epochs":3,"batch":5,"window":6,"seed":7,"validation":0.25}""");
        Assert.Equal(new TextRecipe { Data = "t.txt", Options = new TextTrainingOptions { Embedding = 4, Units = 9, Layers = 2, Optimizer = TextOptimizer.Sgd, LearningRate = 0.5f, Clip = 0, Epochs = 3, BatchSize = 5, Window = 6, Seed = 7, ValidationSplit = 0.25 } }, r);
    }

    [Theory]
    [InlineData("""{"data":"t.txt","epochz":3}""", "'epochz' is unknown")]
    [InlineData("""{"data":"t.txt","architecture":{"unit":3}}""", "'architecture.unit' is unknown")]
    [InlineData("""{"data":"t.txt","epochs":"3"}""", "'epochs' must be an integer, got the string \"3\"")]
    [InlineData("""{"data":"t.txt","window":2.5}""", "'window' must be an integer, got the number 2.5")]
    [InlineData("""{"data":"t.txt","architecture":{"units":true}}""", "'architecture.units' must be an integer, got true")]
    [InlineData("""{"data":"t.txt","lr":"fast"}""", "'lr' must be a number")]
    [InlineData("""{"data":5}""", "'data' must be a string, got the number 5")]
    [InlineData("""{"data":"t.txt","batch":0}""", "'batch' is 0; it must be between 1")]
    [InlineData("""{"data":"t.txt","task":"forecast"}""", "'task' is 'forecast'")]
    [InlineData("""{"data":"t.txt","optimizer":"adagrad"}""", "'optimizer' is 'adagrad'")]
    [InlineData("""{"epochs":3}""", "'data' is missing")]
    [InlineData("""{"data":"t.txt","architecture":[1]}""", "'architecture' must be an object")]
    public void Bad_fields_are_named(string json, string expected)
    {
        var e = Assert.Throws<DataException>(() => Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
