using RnnOnnx.Layers;

namespace RnnOnnx.Onnx;

/// <summary>
/// The trainer's cell activations as the ONNX LSTM/GRU/RNN <c>activations</c> attribute (ONNX operator spec: one list
/// per direction, f then g (then h for LSTM): f gates, g the candidate, h the cell state's output function). Keras's
/// <c>recurrent_activation</c> is f and its <c>activation</c> both g and h.
/// <para>
/// The parameterised functions, HardSigmoid (α = 0.2, β = 0.5: Keras 2's hard_sigmoid) and Affine (α = 1, β = 0:
/// linear), always get explicit <c>activation_alpha</c>/<c>activation_beta</c> values, one each per parameterised
/// function in list order (how ONNX Runtime consumes them): the spec's default Affine α is 1, but ONNX Runtime's is 0.
/// </para>
/// </summary>
internal static class GateActivationNames
{
    private static readonly (Activation Activation, string Name)[] Table =
    [
        (Activation.Tanh, "Tanh"), (Activation.Sigmoid, "Sigmoid"), (Activation.Relu, "Relu"),
        (Activation.HardSigmoid, "HardSigmoid"), (Activation.Linear, "Affine"),
    ];

    public static string Name(Activation activation)
    {
        foreach (var (a, name) in Table) if (a == activation) return name;
        throw new ModelConfigurationException($"Activation {activation} has no ONNX recurrent-cell form (Tanh, Sigmoid, Relu, HardSigmoid, Linear).");
    }

    public static bool TryParse(string name, out Activation activation)
    {
        foreach (var (a, n) in Table)
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase)) { activation = a; return true; }
        activation = default;
        return false;
    }

    /// <summary>(α, β) of a parameterised function, null for the others.</summary>
    public static (float Alpha, float Beta)? Parameters(Activation activation) => activation switch
    {
        Activation.HardSigmoid => (0.2f, 0.5f),
        Activation.Linear => (1f, 0f),
        _ => null,
    };

    /// <summary>The node attributes for these functions (all directions): activations, and α/β where any function takes them.</summary>
    public static IEnumerable<Proto.AttributeProto> Attributes(string[] functions)
    {
        yield return Export.GraphBuilder.Strings("activations", functions);
        var parameters = functions.Select(f => TryParse(f, out var a) ? Parameters(a) : null).OfType<(float Alpha, float Beta)>().ToArray();
        if (parameters.Length == 0) yield break;
        yield return Export.GraphBuilder.Floats("activation_alpha", parameters.Select(p => p.Alpha).ToArray());
        yield return Export.GraphBuilder.Floats("activation_beta", parameters.Select(p => p.Beta).ToArray());
    }

    /// <summary>One direction's list, or null for an LSTM/GRU with Keras's defaults (tanh, sigmoid): their files stay as they were.</summary>
    public static string[]? Of(RecurrentLayer layer) => layer switch
    {
        Lstm { Activation: Activation.Tanh, RecurrentActivation: Activation.Sigmoid } => null,
        Lstm l => [Name(l.RecurrentActivation), Name(l.Activation), Name(l.Activation)],
        Gru { Activation: Activation.Tanh, RecurrentActivation: Activation.Sigmoid } => null,
        Gru g => [Name(g.RecurrentActivation), Name(g.Activation)],
        SimpleRnn r => [Name(r.Activation)],
        _ => throw new ModelConfigurationException($"'{layer.Name}' is not an LSTM, GRU or SimpleRnn."),
    };
}
