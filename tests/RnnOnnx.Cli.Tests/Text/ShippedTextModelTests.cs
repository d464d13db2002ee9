using RnnOnnx.Cli.Text;
using static RnnOnnx.Cli.Tests.CliRunner;

namespace RnnOnnx.Cli.Tests.Text;

/// <summary>The recipe and model shipped in models/textgen/ stay usable: a broken file is caught here, not by a user.</summary>
public sealed class ShippedTextModelTests
{
    [Fact]
    public void The_shipped_recipe_reads_and_points_at_the_shipped_text()
    {
        var recipe = TextRecipe.Load(Path.Combine(RnnOnnx.Tests.Repository.Root, "models", "textgen", "recipe.json"));
        Assert.Equal(Path.Combine(RnnOnnx.Tests.Repository.Root, "data", "text", "kjv-slice.txt"), recipe.Data);
        Assert.True(new FileInfo(recipe.Data).Length is > 300_000 and < 500_000);
    }

    [Fact]
    public void The_shipped_model_continues_a_verse_greedily()
    {
        string model = Path.Combine(RnnOnnx.Tests.Repository.Root, "models", "textgen", "kjv-char.onnx");
        var (exit, output, error) = Run("generate", "--model", model, "--prompt", "And God said unto", "--length", "60", "--temperature", "0");
        Assert.True(exit == 0, error);
        Assert.StartsWith("And God said unto", output, StringComparison.Ordinal);
        Assert.Contains("the ", output[17..], StringComparison.Ordinal); // a trained model, not random characters
    }
}
