using RnnOnnx.Text;

namespace RnnOnnx.Text.Tests;

public sealed class CharSamplerTests
{
    private static readonly float[] Logits = [0.5f, 2f, 2f, -1f, 1.5f];

    [Fact]
    public void Temperature_zero_is_argmax_with_ties_to_the_lowest_id()
    {
        var s = new CharSampler(new SamplingOptions { Temperature = 0 });
        Assert.Equal(1, s.Next(Logits));
    }

    [Fact]
    public void Top_k_and_top_p_restrict_the_draws()
    {
        var k2 = new CharSampler(new SamplingOptions { TopK = 2, Seed = 1 });
        var drawsK = Enumerable.Range(0, 400).Select(_ => k2.Next(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 2 }, drawsK);
        var all = new CharSampler(new SamplingOptions { Seed = 1 });
        Assert.Equal(5, Enumerable.Range(0, 4000).Select(_ => all.Next(Logits)).ToHashSet().Count);
        // p(1) = p(2) ≈ 0.36, so 0.5 needs both and nothing else.
        var p = new CharSampler(new SamplingOptions { TopP = 0.5f, Seed = 2 });
        Assert.Equal(new HashSet<int> { 1, 2 }, Enumerable.Range(0, 400).Select(_ => p.Next(Logits)).ToHashSet());
    }

    [Fact]
    public void Same_seed_same_draws_and_frequencies_follow_the_softmax()
    {
        int[] Draw(int seed) { var s = new CharSampler(new SamplingOptions { Seed = seed }); return Enumerable.Range(0, 20000).Select(_ => s.Next(Logits)).ToArray(); }
        var a = Draw(5);
        Assert.Equal(a, Draw(5));
        Assert.NotEqual(a, Draw(6));
        double z = Logits.Sum(l => Math.Exp(l));
        Assert.InRange(a.Count(i => i == 4) / 20000.0, Math.Exp(1.5) / z - 0.02, Math.Exp(1.5) / z + 0.02);
    }

    [Fact]
    public void Out_of_range_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SamplingOptions { Temperature = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new SamplingOptions { TopK = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new SamplingOptions { TopP = 0 }.Validate());
    }
}
