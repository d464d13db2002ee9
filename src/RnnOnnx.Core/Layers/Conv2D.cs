using System.Text.Json;
using RnnOnnx.Kernels;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// 2-D convolution with stride 1 over channels-last images, y = f(conv(x, W) + b), computed as one GEMM:
/// every output pixel's k×k×C window becomes a row of a patch matrix P ([batch·outH·outW, k·k·C], "im2col"),
/// and Y = P·W + b ([batch·outH·outW, filters]) is then already the channels-last output.
/// W is [k·k·C, filters] with rows ordered (ky, kx, c); Glorot-uniform with Keras's fans (k²·C in, k²·filters out).
/// Backward: ∂W = Pᵀ·∂Y, ∂b = Σ rows of ∂Y, ∂P = ∂Y·Wᵀ scattered back onto the pixels it was copied from.
/// </summary>
public sealed class Conv2D : Layer
{
    private Parameter? _kernel, _bias;
    private readonly Signal _output = new(), _preGradient = new(), _inputGradient = new();
    private float[] _patches = [], _patchGradient = [];
    private ImageShape _in, _out;
    private int _pad, _batch;
    private float[] _inputData = [];
    private readonly Action<int> _im2colPart, _col2imPart;
    private int _parts;

    /// <summary>Creates the layer.</summary>
    /// <param name="filters">Output channels (≥ 1).</param>
    /// <param name="kernelSize">Side of the square window (≥ 1; odd for <see cref="Padding.Same"/>).</param>
    /// <param name="activation">Output function (not softmax).</param>
    /// <param name="padding">Border handling.</param>
    /// <param name="inputShape">The image size, when this is the model's first layer and the model is built from a shape without one.</param>
    public Conv2D(int filters, int kernelSize, Activation activation = Activation.Linear, Padding padding = Padding.Valid, ImageShape? inputShape = null)
    {
        Require(filters >= 1, $"Conv2D filters must be at least 1, got {filters}.");
        Require(kernelSize >= 1, $"Conv2D kernel size must be at least 1, got {kernelSize}.");
        Require(padding != Padding.Same || kernelSize % 2 == 1, $"Conv2D with Same padding needs an odd kernel size, got {kernelSize}.");
        Require(activation != Activation.Softmax, "Conv2D does not support a softmax activation.");
        Filters = filters;
        KernelSize = kernelSize;
        Activation = activation;
        Padding = padding;
        DeclaredInput = inputShape;
        _im2colPart = Im2ColPart;
        _col2imPart = Col2ImPart;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Side of the square window.</summary>
    public int KernelSize { get; }

    /// <summary>Output function.</summary>
    public Activation Activation { get; }

    /// <summary>Border handling.</summary>
    public Padding Padding { get; }

    /// <summary>The image size given to the constructor, if any.</summary>
    public ImageShape? DeclaredInput { get; }

    /// <summary>W, [kernel·kernel·channels, filters], rows ordered (ky, kx, c).</summary>
    public Parameter Kernel => _kernel ?? throw new ModelConfigurationException($"Layer '{Name}' is not built yet.");

    /// <summary>b, [filters].</summary>
    public Parameter Bias => _bias ?? throw new ModelConfigurationException($"Layer '{Name}' is not built yet.");

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _kernel is null ? [] : [_kernel, _bias!];

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "Conv2D";

    internal override string TypeName => Type;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng)
    {
        var image = input.Image ?? DeclaredInput
            ?? throw new ModelConfigurationException($"Conv2D '{Name}' needs image samples, but receives {input}: build the model with LayerShape.ForImage or pass inputShape.");
        Require(!input.IsSequence && input.Width == image.Length,
            $"Conv2D '{Name}' was declared for images {image} ({image.Length} values), but receives samples {input}.");
        _pad = Padding == Padding.Same ? (KernelSize - 1) / 2 : 0;
        int outH = image.Height + 2 * _pad - KernelSize + 1, outW = image.Width + 2 * _pad - KernelSize + 1;
        Require(outH >= 1 && outW >= 1, $"Conv2D '{Name}': a {KernelSize}×{KernelSize} kernel does not fit images {image} with {Padding} padding.");
        _in = image;
        _out = new ImageShape(outH, outW, Filters);
        int fan = KernelSize * KernelSize;
        _kernel = new Parameter("kernel", fan * image.Channels, Filters);
        _bias = new Parameter("bias", Filters);
        Initializers.GlorotUniform(_kernel.Value, fan * image.Channels, fan * Filters, rng);
        return LayerShape.ForImage(_out);
    }

    private int PatchWidth => KernelSize * KernelSize * _in.Channels;

    internal override unsafe Signal Forward(Signal input, PassContext context)
    {
        _batch = input.Batch;
        _inputData = input.Data;
        int rows = _batch * _out.Height * _out.Width, k = PatchWidth;
        if (_patches.Length < rows * k) _patches = new float[rows * k];
        _parts = Math.Max(1, Math.Min(WorkSplitter.Threads, _batch));
        WorkSplitter.Run(_parts, _im2colPart);
        var y = _output.Resize(0, _batch, _out.Length);
        fixed (float* p = _patches)
        fixed (float* w = Kernel.Value)
        fixed (float* b = Bias.Value)
        fixed (float* o = y.Data)
            Gemm.Multiply(p, k, false, w, Filters, false, o, Filters, rows, Filters, k, accumulate: false, rowInit: b);
        ActivationMath.Apply(Activation, y.Span, Filters);
        return y;
    }

    internal override unsafe Signal? Backward(Signal outputGradient, PassContext context)
    {
        int rows = _batch * _out.Height * _out.Width, k = PatchWidth;
        var dPre = _preGradient.ResizeLike(outputGradient);
        outputGradient.Span.CopyTo(dPre.Span);
        ActivationMath.Backward(Activation, _output.Span, dPre.Span, Filters);
        fixed (float* p = _patches)
        fixed (float* d = dPre.Data)
        fixed (float* dw = Kernel.Gradient)
            Gemm.Multiply(p, k, true, d, Filters, false, dw, Filters, k, Filters, rows, accumulate: true); // ∂W += Pᵀ·∂Y
        RowOps.SumRowsInto(dPre.Data, rows, Bias.Gradient, Filters);                                   // ∂b += Σ ∂Y
        if (!InputGradientNeeded) return null;
        if (_patchGradient.Length < rows * k) _patchGradient = new float[rows * k];
        fixed (float* d = dPre.Data)
        fixed (float* w = Kernel.Value)
        fixed (float* dp = _patchGradient)
            Gemm.Multiply(d, Filters, false, w, Filters, true, dp, k, rows, k, Filters, accumulate: false); // ∂P = ∂Y·Wᵀ
        _inputGradient.Resize(0, _batch, _in.Length);
        WorkSplitter.Run(_parts, _col2imPart);
        return _inputGradient;
    }

    /// <summary>Fills the patch rows of samples in this part (im2col).</summary>
    private void Im2ColPart(int part)
    {
        var (b0, b1) = WorkSplitter.Range(_batch, _parts, part);
        for (int b = b0; b < b1; b++) WalkWindows(b, gather: true);
    }

    /// <summary>The adjoint of <see cref="Im2ColPart"/>: adds patch-row gradients back onto their pixels. Samples are disjoint, so parts never collide.</summary>
    private void Col2ImPart(int part)
    {
        var (b0, b1) = WorkSplitter.Range(_batch, _parts, part);
        _inputGradient.Data.AsSpan(b0 * _in.Length, (b1 - b0) * _in.Length).Clear();
        for (int b = b0; b < b1; b++) WalkWindows(b, gather: false);
    }

    /// <summary>
    /// Walks sample b's windows as runs of contiguous values. Channels-last makes the k·C values of one window row
    /// contiguous in the image, so an interior window is k copies; rows hanging over the border are split per pixel.
    /// gather: patch ← image (zeros for padding); otherwise image gradient += patch gradient.
    /// </summary>
    private void WalkWindows(int b, bool gather)
    {
        int c = _in.Channels, kk = KernelSize, k = PatchWidth, rowRun = kk * c;
        int imageBase = b * _in.Length;
        for (int oy = 0; oy < _out.Height; oy++)
            for (int ox = 0; ox < _out.Width; ox++)
            {
                int patch = ((b * _out.Height + oy) * _out.Width + ox) * k;
                int x0 = ox - _pad;
                for (int ky = 0; ky < kk; ky++)
                {
                    int iy = oy - _pad + ky, offset = patch + ky * rowRun;
                    if (iy < 0 || iy >= _in.Height) { Run(offset, -1, rowRun, gather); continue; }
                    int rowBase = imageBase + iy * _in.Width * c;
                    if (x0 >= 0 && x0 + kk <= _in.Width) { Run(offset, rowBase + x0 * c, rowRun, gather); continue; }
                    for (int kx = 0; kx < kk; kx++)
                    {
                        int ix = x0 + kx;
                        Run(offset + kx * c, ix < 0 || ix >= _in.Width ? -1 : rowBase + ix * c, c, gather);
                    }
                }
            }
    }

    private void Run(int patchOffset, int imageOffset, int length, bool gather)
    {
        if (gather)
        {
            if (imageOffset < 0) _patches.AsSpan(patchOffset, length).Clear();
            else _inputData.AsSpan(imageOffset, length).CopyTo(_patches.AsSpan(patchOffset, length));
        }
        else if (imageOffset >= 0)
        {
            var dx = _inputGradient.Data.AsSpan(imageOffset, length);
            System.Numerics.Tensors.TensorPrimitives.Add(dx, _patchGradient.AsSpan(patchOffset, length), dx);
        }
    }

    internal override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("filters", Filters);
        writer.WriteNumber("kernelSize", KernelSize);
        writer.WriteString("activation", Activation.ToString());
        writer.WriteString("padding", Padding.ToString());
        if (DeclaredInput is { } image)
        {
            writer.WriteStartArray("inputShape");
            writer.WriteNumberValue(image.Height);
            writer.WriteNumberValue(image.Width);
            writer.WriteNumberValue(image.Channels);
            writer.WriteEndArray();
        }
    }

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static Conv2D ReadConfig(ConfigReader config) => new(config.Int("filters"), config.Int("kernelSize"), config.Enum<Activation>("activation"), config.Enum<Padding>("padding"), config.Image("inputShape"));
}
