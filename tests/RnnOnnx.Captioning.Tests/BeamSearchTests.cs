using RnnOnnx.Captioning;

namespace RnnOnnx.Captioning.Tests;

/// <summary>Beam search on a hand-made next-word table, where the greedy choice is not the most likely caption.</summary>
public class BeamSearchTests
{
    // Tokens: 0 pad, 1 begin, 2 end, 3 "x", 4 "y". After begin: x 0.6, y 0.4. After x: end 0.3 or y 0.35 / x 0.35
    // (so "x" alone = 0.18, and every longer x-caption is smaller still); after y: end 0.9. Greedy takes x (0.6), then
    // x or y at 0.35: "x x" … → ends below 0.18; beam 2 keeps "y" (0.4) whose end gives 0.36, the best caption.
    private static float[] Next(List<int> prefix)
    {
        if (prefix.Count == 0) return [0, 0, 0, 0.6f, 0.4f];
        return prefix[^1] == 3 ? [0, 0, 0.3f, 0.35f, 0.35f] : [0, 0, 0.9f, 0.05f, 0.05f];
    }

    private static int[][] Decode(int beam, float lengthPenalty, int images = 2)
    {
        var prefixes = new List<List<int>>();
        var search = new BeamSearch(new CaptionOptions { BeamWidth = beam, LengthPenalty = lengthPenalty }, endId: 2, maxLength: 6);
        return search.Run(images, beginId: 1, rows =>
        {
            // Parent rows refer to the previous call's rows (or −1 − image for the start): rebuild each row's prefix.
            var next = new List<List<int>>();
            var result = new float[rows.Count][];
            for (int r = 0; r < rows.Count; r++)
            {
                var (token, parent) = rows[r];
                var prefix = parent < 0 ? new List<int>() : [.. prefixes[parent], token];
                next.Add(prefix);
                result[r] = Next(prefix);
            }
            prefixes = next;
            return result;
        });
    }

    [Fact]
    public void Greedy_takes_the_locally_best_word_and_beam_search_finds_the_better_caption()
    {
        var greedy = Decode(beam: 1, lengthPenalty: 0);
        Assert.Equal(3, greedy[0][0]);
        var beam = Decode(beam: 2, lengthPenalty: 0);
        Assert.Equal([4], beam[0]);
        Assert.Equal(beam[0], beam[1]); // images in one batch are decoded independently
    }

    [Fact]
    public void Captions_stop_at_the_length_limit()
    {
        var search = new BeamSearch(new CaptionOptions { BeamWidth = 3 }, endId: 2, maxLength: 4);
        var tokens = search.Run(1, beginId: 1, rows => rows.Select(_ => new float[] { 0, 0, 0.01f, 0.99f }).ToArray());
        Assert.Equal([3, 3, 3, 3], tokens[0]);
    }

    [Fact]
    public void Bad_search_options_are_refused()
    {
        Assert.Throws<ModelConfigurationException>(() => new CaptionOptions { BeamWidth = 0 }.Validate());
        Assert.Throws<ModelConfigurationException>(() => new CaptionOptions { MaxLength = 0 }.Validate());
        Assert.Throws<ModelConfigurationException>(() => new CaptionOptions { LengthPenalty = float.NaN }.Validate());
    }
}
