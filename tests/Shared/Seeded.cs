namespace RnnOnnx.Tests;

/// <summary>Reproducible test data.</summary>
internal static class Seeded
{
    public static float[] Floats(int seed, int count, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    public static int[] Ints(int seed, int count, int min, int maxExclusive)
    {
        var random = new Random(seed);
        var values = new int[count];
        for (int i = 0; i < count; i++) values[i] = random.Next(min, maxExclusive);
        return values;
    }
}
