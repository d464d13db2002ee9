using RnnOnnx.Text;

namespace RnnOnnx.Text.Tests;

public sealed class TextWindowsTests
{
    [Fact]
    public void Windows_predict_the_next_id_at_every_step()
    {
        int[] ids = Enumerable.Range(0, 11).ToArray();
        var data = TextWindows.Create(ids, window: 3);
        Assert.Equal([3, 3], data.Inputs.Shape.ToArray());
        Assert.Equal([3, 3, 1], data.Targets.Shape.ToArray());
        Assert.Equal([0f, 1, 2, 3, 4, 5, 6, 7, 8], data.Inputs.Data);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8, 9], data.Targets.Data);
    }

    [Fact]
    public void Validation_is_the_tail_of_the_text()
    {
        int[] ids = Enumerable.Range(0, 100).ToArray();
        var (train, validation) = TextWindows.Split(ids, window: 4, validationFraction: 0.2);
        Assert.Equal(19, train.Count);                     // 80 ids → (80 − 1) / 4 windows
        Assert.NotNull(validation);
        Assert.Equal(4, validation!.Count);                // 20 ids → 4 windows
        Assert.Equal(80f, validation.Inputs.Data[0]);
        Assert.True(train.Targets.Data.Max() < 80);        // no training target is in the validation part
    }

    [Fact]
    public void Too_short_text_names_the_part_and_the_window()
    {
        var e = Assert.Throws<DataException>(() => TextWindows.Split(Enumerable.Range(0, 50).ToArray(), window: 8, validationFraction: 0.1));
        Assert.Contains("validation part has 5 characters; a window of 8 needs at least 9", e.Message, StringComparison.Ordinal);
    }
}
