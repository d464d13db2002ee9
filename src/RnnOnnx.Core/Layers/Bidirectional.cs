using System.Numerics.Tensors;
using System.Text.Json;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Runs a recurrent layer forwards and a copy of it backwards over each sequence and concatenates their outputs:
/// [forward | backward] per step (returnSequences) or per sample. The backward copy starts at each row's last real step.
/// </summary>
public sealed class Bidirectional : Layer
{
    private readonly Signal _output = new(), _forwardGradient = new(), _backwardGradient = new(), _inputGradient = new();

    /// <summary>Wraps <paramref name="layer"/>; its options (units, returnSequences) apply to both directions.</summary>
    public Bidirectional(RecurrentLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Require(!layer.IsBuilt, "Bidirectional needs an unbuilt recurrent layer.");
        ForwardLayer = layer;
        BackwardLayer = layer.CloneUnbuilt();
        BackwardLayer.GoBackwards = true;
    }

    /// <summary>The layer that reads sequences first to last.</summary>
    public RecurrentLayer ForwardLayer { get; }

    /// <summary>The copy that reads sequences last to first.</summary>
    public RecurrentLayer BackwardLayer { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [.. ForwardLayer.Parameters, .. BackwardLayer.Parameters];

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Bidirectional";

    internal override string TypeName => Type;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng)
    {
        ForwardLayer.Name = Name + "/forward";
        ForwardLayer.InputGradientNeeded = BackwardLayer.InputGradientNeeded = InputGradientNeeded;
        BackwardLayer.Name = Name + "/backward";
        ForwardLayer.Build(input, rng);
        BackwardLayer.Build(input, rng);
        return ForwardLayer.OutputShape with { Width = 2 * ForwardLayer.Units };
    }

    /// <summary>States of both directions together: the forward layer's, then the backward copy's.</summary>
    internal int StateCount => ForwardLayer.StateCount + BackwardLayer.StateCount;

    internal override Signal Forward(Signal input, PassContext context) => Forward(input, context, []);

    /// <summary>Runs both directions from <paramref name="initialStates"/> (<see cref="StateCount"/> arrays, forward layer's first; empty: zeros).</summary>
    internal Signal Forward(Signal input, PassContext context, ReadOnlySpan<float[]> initialStates)
    {
        Split(initialStates, out var forwardStates, out var backwardStates);
        var yf = ForwardLayer.Forward(input, context, forwardStates);
        var yb = BackwardLayer.Forward(input, context, backwardStates);
        int h = ForwardLayer.Units;
        var y = _output.Resize(yf.Steps, yf.Batch, 2 * h);
        for (int r = 0; r < yf.Rows; r++)
        {
            yf.Data.AsSpan(r * h, h).CopyTo(y.Data.AsSpan(r * 2 * h, h));
            yb.Data.AsSpan(r * h, h).CopyTo(y.Data.AsSpan(r * 2 * h + h, h));
        }
        return y;
    }

    private void Split(ReadOnlySpan<float[]> states, out ReadOnlySpan<float[]> forward, out ReadOnlySpan<float[]> backward)
    {
        forward = backward = default;
        if (states.IsEmpty) return;
        if (states.Length != StateCount)
            throw new ShapeException($"'{Name}' has {StateCount} states (both directions) but was given {states.Length}.");
        forward = states[..ForwardLayer.StateCount];
        backward = states[ForwardLayer.StateCount..];
    }

    internal override Signal? Backward(Signal outputGradient, PassContext context) => Backward(outputGradient, context, []);

    /// <summary>Backward pass that also writes both directions' ∂L/∂(initial state), laid out as in <see cref="Forward(Signal, PassContext, ReadOnlySpan{float[]})"/>.</summary>
    internal Signal? Backward(Signal outputGradient, PassContext context, ReadOnlySpan<float[]> initialStateGradients)
    {
        Split(initialStateGradients, out var forwardGradients, out var backwardGradients);
        int h = ForwardLayer.Units;
        var df = _forwardGradient.Resize(outputGradient.Steps, outputGradient.Batch, h);
        var db = _backwardGradient.Resize(outputGradient.Steps, outputGradient.Batch, h);
        for (int r = 0; r < outputGradient.Rows; r++)
        {
            outputGradient.Data.AsSpan(r * 2 * h, h).CopyTo(df.Data.AsSpan(r * h, h));
            outputGradient.Data.AsSpan(r * 2 * h + h, h).CopyTo(db.Data.AsSpan(r * h, h));
        }
        var dxf = ForwardLayer.Backward(df, context, forwardGradients);
        if (dxf is null)
        {
            BackwardLayer.Backward(db, context, backwardGradients);
            return null;
        }
        var dx = _inputGradient.ResizeLike(dxf);
        dxf.Span.CopyTo(dx.Span);
        var dxb = BackwardLayer.Backward(db, context, backwardGradients)!;
        TensorPrimitives.Add(dx.Span, dxb.Span, dx.Span);
        return dx;
    }

    internal override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteString("layerType", ForwardLayer.TypeName);
        writer.WriteStartObject("layer");
        ForwardLayer.WriteConfig(writer);
        writer.WriteEndObject();
    }

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static Bidirectional ReadConfig(ConfigReader config) =>
        new(config.Layer("layerType", "layer") as RecurrentLayer
            ?? throw config.Invalid("'layerType' must be a recurrent layer (Lstm, Gru or SimpleRnn)."));
}
