using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnOnnx.Kernels;

/// <summary>
/// Loads and stores of 16 floats at a time that also work on the ragged end of a span (through a zero-padded copy),
/// so a fused element-wise kernel is written once, over Vector512, with no scalar twin.
/// </summary>
internal static class Lanes
{
    public const int Width = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ReadOnlySpan<float> span, int start) =>
        start + Width <= span.Length ? Vector512.Create(span.Slice(start, Width)) : LoadTail(span[start..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, Span<float> span, int start)
    {
        if (start + Width <= span.Length) value.CopyTo(span.Slice(start, Width));
        else StoreTail(value, span[start..]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<float> LoadTail(ReadOnlySpan<float> tail)
    {
        Span<float> padded = stackalloc float[Width];
        padded.Clear();
        tail.CopyTo(padded);
        return Vector512.Create(padded);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreTail(Vector512<float> value, Span<float> tail)
    {
        Span<float> padded = stackalloc float[Width];
        value.CopyTo(padded);
        padded[..tail.Length].CopyTo(tail);
    }
}
