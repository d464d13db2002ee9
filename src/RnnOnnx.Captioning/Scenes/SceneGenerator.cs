using RnnOnnx.Randomness;
using SkiaSharp;

namespace RnnOnnx.Captioning;

/// <summary>
/// Draws random scenes that follow the shapes-captioning spec (data/caption/SPEC.md): 1 or 2 objects with uniformly
/// drawn shape, size class, side, colour, jitter and position; two objects never overlap and their centres are at
/// least 20 px apart horizontally. The same seed and rendering options give the same scenes, pixel for pixel.
/// </summary>
public sealed class SceneGenerator
{
    private readonly Rng _rng;
    private readonly SceneRendering _rendering;

    /// <summary>Creates a generator with the training defaults of <see cref="SceneRendering"/>.</summary>
    public SceneGenerator(ulong seed) : this(seed, new SceneRendering()) { }

    /// <summary>Creates a generator that renders as <paramref name="rendering"/> says.</summary>
    public SceneGenerator(ulong seed, SceneRendering rendering)
    {
        ArgumentNullException.ThrowIfNull(rendering);
        rendering.Validate();
        _rng = new Rng(seed);
        _rendering = rendering;
    }

    /// <summary>The next random scene.</summary>
    public ShapeScene NextScene()
    {
        int count = 1 + _rng.NextInt(2);
        var background = new SKColor(Background(), Background(), Background());
        var objects = new SceneObject[count];
        for (int i = 0; i < count; i++) objects[i] = NextObject();
        if (count == 2) PlaceApart(objects);
        bool antialiased = _rendering.Edges switch
        {
            SceneEdges.Antialiased => true,
            SceneEdges.Aliased => false,
            _ => _rng.NextInt(2) == 0,
        };
        float noise = _rendering.Noise switch
        {
            SceneNoise.None => 0f,
            SceneNoise.Noisy => _rendering.NoiseStandardDeviation,
            _ => _rng.NextSingle() * _rendering.NoiseStandardDeviation,
        };
        return new ShapeScene(objects, background, antialiased, noise, _rng.NextUInt64());
    }

    private byte Background() => (byte)(SceneSpec.BackgroundMin + _rng.NextInt(SceneSpec.BackgroundMax - SceneSpec.BackgroundMin + 1));

    private SceneObject NextObject()
    {
        var shape = (SceneShape)_rng.NextInt(3);
        var size = (SceneSize)_rng.NextInt(2);
        var color = (SceneColor)_rng.NextInt(5);
        int side = SceneSpec.MinSide(size) + _rng.NextInt(SceneSpec.MaxSide(size) - SceneSpec.MinSide(size) + 1);
        var (r, g, b) = SceneSpec.BaseColor(color);
        var fill = new SKColor(Jitter(r), Jitter(g), Jitter(b));
        return new SceneObject(shape, size, color, Position(side), Position(side), side, fill);
    }

    private byte Jitter(byte channel) =>
        (byte)Math.Clamp(channel - SceneSpec.ColorJitter + _rng.NextInt(2 * SceneSpec.ColorJitter + 1), 0, 255);

    private int Position(int side) => _rng.NextInt(SceneSpec.ImageSize - side + 1);

    /// <summary>
    /// Redraws both positions until the pair is valid, which makes the placement uniform over all valid placements.
    /// Only positions are redrawn, so shapes, sizes and colours stay uniform; even two boxes of side 30 have valid
    /// placements (side by side), so this ends.
    /// </summary>
    private void PlaceApart(SceneObject[] objects)
    {
        var first = objects[0];
        var second = objects[1];
        while (!IsValidPair(first, second))
        {
            first = first with { Left = Position(first.Side), Top = Position(first.Side) };
            second = second with { Left = Position(second.Side), Top = Position(second.Side) };
        }
        objects[0] = first;
        objects[1] = second;
    }

    internal static bool IsValidPair(SceneObject a, SceneObject b)
    {
        bool apart = Math.Abs(a.CentreX - b.CentreX) >= SceneSpec.MinCentreDistance;
        bool disjoint = a.Left + a.Side <= b.Left || b.Left + b.Side <= a.Left || a.Top + a.Side <= b.Top || b.Top + b.Side <= a.Top;
        return apart && disjoint;
    }
}
