using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnOnnx.Layers;

namespace RnnOnnx.Kernels;

/// <summary>
/// An activation usable on LSTM/GRU gates, as a type: the fused backward step is written once, generic over its two
/// activations, and the JIT compiles a specialised copy per pair, so a configurable activation costs nothing per
/// element (the default tanh/sigmoid copy performs exactly the operations of the hand-written one it replaced).
/// </summary>
internal interface IGateActivation
{
    /// <summary>upstream ⊙ f′(x), from the activation's output y = f(x).</summary>
    static abstract Vector512<float> Backward(Vector512<float> upstream, Vector512<float> y);
}

internal readonly struct TanhGate : IGateActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Backward(Vector512<float> upstream, Vector512<float> y) => upstream * (Vector512<float>.One - y * y);
}

internal readonly struct SigmoidGate : IGateActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Backward(Vector512<float> upstream, Vector512<float> y) => upstream * y * (Vector512<float>.One - y);
}

internal readonly struct ReluGate : IGateActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Backward(Vector512<float> upstream, Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), upstream, Vector512<float>.Zero);
}

internal readonly struct LinearGate : IGateActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Backward(Vector512<float> upstream, Vector512<float> y) => upstream;
}

/// <summary>Keras's hard_sigmoid, max(0, min(1, 0.2x + 0.5)): slope 0.2 strictly between its clamps, 0 on them.</summary>
internal readonly struct HardSigmoidGate : IGateActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Backward(Vector512<float> upstream, Vector512<float> y) =>
        Vector512.ConditionalSelect(
            Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512.LessThan(y, Vector512<float>.One),
            upstream * Vector512.Create(ActivationMath.HardSigmoidSlope), Vector512<float>.Zero);
}

/// <summary>Receives the activation types chosen by <see cref="GateActivations.Dispatch"/>.</summary>
internal interface IGateVisitor
{
    void Visit<TActivation, TRecurrent>() where TActivation : struct, IGateActivation where TRecurrent : struct, IGateActivation;
}

internal static class GateActivations
{
    /// <summary>The activations an LSTM or GRU accepts for its candidate/output and for its gates.</summary>
    public static bool IsSupported(Activation activation) =>
        activation is Activation.Tanh or Activation.Sigmoid or Activation.Relu or Activation.Linear or Activation.HardSigmoid;

    /// <summary>Calls <paramref name="visitor"/> with the types of <paramref name="activation"/> and <paramref name="recurrent"/>.</summary>
    public static void Dispatch<TVisitor>(Activation activation, Activation recurrent, TVisitor visitor) where TVisitor : struct, IGateVisitor
    {
        switch (activation)
        {
            case Activation.Tanh: WithRecurrent<TVisitor, TanhGate>(recurrent, visitor); break;
            case Activation.Sigmoid: WithRecurrent<TVisitor, SigmoidGate>(recurrent, visitor); break;
            case Activation.Relu: WithRecurrent<TVisitor, ReluGate>(recurrent, visitor); break;
            case Activation.Linear: WithRecurrent<TVisitor, LinearGate>(recurrent, visitor); break;
            case Activation.HardSigmoid: WithRecurrent<TVisitor, HardSigmoidGate>(recurrent, visitor); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "not a gate activation");
        }
    }

    private static void WithRecurrent<TVisitor, TActivation>(Activation recurrent, TVisitor visitor)
        where TVisitor : struct, IGateVisitor where TActivation : struct, IGateActivation
    {
        switch (recurrent)
        {
            case Activation.Sigmoid: visitor.Visit<TActivation, SigmoidGate>(); break;
            case Activation.Tanh: visitor.Visit<TActivation, TanhGate>(); break;
            case Activation.Relu: visitor.Visit<TActivation, ReluGate>(); break;
            case Activation.Linear: visitor.Visit<TActivation, LinearGate>(); break;
            case Activation.HardSigmoid: visitor.Visit<TActivation, HardSigmoidGate>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(recurrent), recurrent, "not a gate activation");
        }
    }
}
