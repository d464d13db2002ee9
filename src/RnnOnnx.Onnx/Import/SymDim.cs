using System.Globalization;

namespace RnnOnnx.Onnx.Import;

/// <summary>
/// A dimension known at import time only symbolically: c · d0^p · d1^q, where d0 and d1 are the run-time sizes of
/// the model input's first two axes (batch and time, in an order the graph reveals), or unknown. Enough to follow
/// the Shape → Gather → Concat → Reshape chains exporters emit and to check that a reshape keeps the layout.
/// </summary>
internal readonly struct SymDim
{
    private SymDim(long coefficient, int power0, int power1, bool unknown)
    {
        Coefficient = coefficient;
        Power0 = power0;
        Power1 = power1;
        IsUnknown = unknown;
    }

    public long Coefficient { get; }
    public int Power0 { get; }
    public int Power1 { get; }
    public bool IsUnknown { get; }

    public static SymDim Unknown => new(0, 0, 0, true);
    public static SymDim One => Known(1);
    public static SymDim Axis0 => new(1, 1, 0, false);
    public static SymDim Axis1 => new(1, 0, 1, false);
    public static SymDim Known(long value) => new(value, 0, 0, false);

    public bool IsKnown => !IsUnknown && Power0 == 0 && Power1 == 0;

    /// <summary>Equal for certain (unknown dimensions are never the same as anything).</summary>
    public bool SameAs(SymDim other) => !IsUnknown && !other.IsUnknown && Coefficient == other.Coefficient && Power0 == other.Power0 && Power1 == other.Power1;

    public static SymDim operator *(SymDim a, SymDim b)
    {
        if (a.IsUnknown || b.IsUnknown) return Unknown;
        long c;
        try { c = checked(a.Coefficient * b.Coefficient); }
        catch (OverflowException) { return Unknown; }
        int p0 = a.Power0 + b.Power0, p1 = a.Power1 + b.Power1;
        return c == 0 ? Known(0) : p0 > 8 || p1 > 8 ? Unknown : new SymDim(c, p0, p1, false);
    }

    public static SymDim Multiply(SymDim a, SymDim b) => a * b;

    /// <summary>Exact quotient, or unknown.</summary>
    public SymDim DivideBy(SymDim divisor)
    {
        if (IsUnknown || divisor.IsUnknown || divisor.Coefficient == 0 || Power0 < divisor.Power0 || Power1 < divisor.Power1) return Unknown;
        if (IsKnown && divisor.IsKnown) return Known(Coefficient / divisor.Coefficient); // integer Div truncates
        if (Coefficient % divisor.Coefficient != 0) return Unknown;
        return new SymDim(Coefficient / divisor.Coefficient, Power0 - divisor.Power0, Power1 - divisor.Power1, false);
    }

    /// <summary>Sum (or difference); exact for constants and for like terms, unknown otherwise.</summary>
    public SymDim Plus(SymDim other, int sign)
    {
        if (IsUnknown || other.IsUnknown) return Unknown;
        if (Power0 != other.Power0 || Power1 != other.Power1) return Unknown;
        long c;
        try { c = checked(Coefficient + sign * other.Coefficient); }
        catch (OverflowException) { return Unknown; }
        return c == 0 ? Known(0) : new SymDim(c, Power0, Power1, false);
    }

    public override string ToString()
    {
        if (IsUnknown) return "?";
        if (IsKnown) return Coefficient.ToString(CultureInfo.InvariantCulture);
        var parts = new List<string>();
        if (Coefficient != 1) parts.Add(Coefficient.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < Power0; i++) parts.Add("input.dim0");
        for (int i = 0; i < Power1; i++) parts.Add("input.dim1");
        return string.Join("·", parts);
    }
}
