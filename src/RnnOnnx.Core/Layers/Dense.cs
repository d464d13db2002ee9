using System.Text.Json;
using RnnOnnx.Kernels;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Fully connected layer, y = f(x·W + b), applied to each vector (or to each time step of a sequence).
/// W is [inputWidth, units], Glorot-uniform initialised; b starts at zero.
/// </summary>
public sealed class Dense : Layer
{
    private Parameter? _kernel, _bias;
    private Signal? _input;
    private readonly Signal _output = new(), _preGradient = new(), _inputGradient = new();

    /// <summary>Creates the layer.</summary>
    /// <param name="units">Output width (≥ 1).</param>
    /// <param name="activation">Output function; with <see cref="Losses.SoftmaxCrossEntropy"/>, softmax is fused into the loss.</param>
    public Dense(int units, Activation activation = Activation.Linear)
    {
        Require(units >= 1, $"Dense units must be at least 1, got {units}.");
        Units = units;
        Activation = activation;
    }

    /// <summary>Output width.</summary>
    public int Units { get; }

    /// <summary>Output function.</summary>
    public Activation Activation { get; }

    /// <summary>W, [inputWidth, units].</summary>
    public Parameter Kernel => _kernel ?? throw new ModelConfigurationException($"Layer '{Name}' is not built yet.");

    /// <summary>b, [units].</summary>
    public Parameter Bias => _bias ?? throw new ModelConfigurationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _kernel is null ? [] : [_kernel, _bias!];

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Dense";

    internal override string TypeName => Type;

    /// <summary>What the last forward pass applied (<see cref="Activation"/>, or Linear when asked for logits); backward differentiates that.</summary>
    private Activation _applied;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng)
    {
        Require(input.Image is null, $"Dense '{Name}' receives images {input}: add a Flatten layer before it.");
        _kernel = new Parameter("kernel", input.Width, Units);
        _bias = new Parameter("bias", Units);
        Initializers.GlorotUniform(_kernel.Value, input.Width, Units, rng);
        return input with { Width = Units };
    }

    internal override Signal Forward(Signal input, PassContext context) => Forward(input, context, logits: false);

    /// <summary>
    /// With <paramref name="logits"/> the output is x·W + b without the activation: what a loss that applies the
    /// softmax itself (<see cref="Losses.SoftmaxCrossEntropy"/>) reads. The caller decides per pass.
    /// </summary>
    internal unsafe Signal Forward(Signal input, PassContext context, bool logits)
    {
        _input = input;
        _applied = logits ? Activation.Linear : Activation;
        var y = _output.Resize(input.Steps, input.Batch, Units);
        fixed (float* x = input.Data)
        fixed (float* w = Kernel.Value)
        fixed (float* bias = Bias.Value)
        fixed (float* o = y.Data)
            Gemm.Multiply(x, input.Width, false, w, Units, false, o, Units, input.Rows, Units, input.Width, accumulate: false, rowInit: bias);
        ActivationMath.Apply(_applied, y.Span, Units);
        return y;
    }

    internal override unsafe Signal? Backward(Signal outputGradient, PassContext context)
    {
        var x = _input!;
        var dPre = _preGradient.ResizeLike(outputGradient);
        outputGradient.Span.CopyTo(dPre.Span);
        ActivationMath.Backward(_applied, _output.Span, dPre.Span, Units);
        var dx = InputGradientNeeded ? _inputGradient.ResizeLike(x) : null;
        int rows = x.Rows, width = x.Width;
        fixed (float* xp = x.Data)
        fixed (float* dp = dPre.Data)
        fixed (float* w = Kernel.Value)
        fixed (float* dw = Kernel.Gradient)
        fixed (float* dxp = dx is null ? null : dx.Data)
        {
            Gemm.Multiply(xp, width, true, dp, Units, false, dw, Units, width, Units, rows, accumulate: true); // ∂W += xᵀ·∂pre
            if (dx is not null) Gemm.Multiply(dp, Units, false, w, Units, true, dxp, width, rows, width, Units, accumulate: false); // ∂x = ∂pre·Wᵀ
        }
        RowOps.SumRowsInto(dPre.Data, dPre.Rows, Bias.Gradient, Units); // ∂b += Σ_rows ∂pre
        return dx;
    }

    internal override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("units", Units);
        writer.WriteString("activation", Activation.ToString());
    }

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static Dense ReadConfig(ConfigReader config) => new(config.Int("units"), config.Enum<Activation>("activation"));
}
