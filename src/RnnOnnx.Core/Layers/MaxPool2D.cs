using System.Text.Json;
using RnnOnnx.Kernels;
using RnnOnnx.Randomness;
using RnnOnnx.Serialization;

namespace RnnOnnx.Layers;

/// <summary>
/// Max pooling over non-overlapping p×p windows of channels-last images (stride = pool size, no padding; a ragged
/// last row or column is dropped, as Keras's "valid"). Each channel's output is the largest value in its window;
/// backward routes the gradient to that one input (the first maximum when several tie).
/// </summary>
public sealed class MaxPool2D : Layer
{
    private readonly Signal _output = new(), _inputGradient = new();
    private int[] _argmax = [];
    private ImageShape _in, _out;
    private int _batch, _parts;
    private float[] _inputData = [];
    private float[] _outputGradient = [];
    private readonly Action<int> _forwardPart, _backwardPart;

    /// <summary>Creates the layer.</summary>
    /// <param name="poolSize">Window side and stride (≥ 1).</param>
    public MaxPool2D(int poolSize = 2)
    {
        Require(poolSize >= 1, $"MaxPool2D pool size must be at least 1, got {poolSize}.");
        PoolSize = poolSize;
        _forwardPart = ForwardPart;
        _backwardPart = BackwardPart;
    }

    /// <summary>Window side and stride.</summary>
    public int PoolSize { get; }

    /// <summary>This layer's type name in model files.</summary>
    internal const string Type = "MaxPool2D";

    internal override string TypeName => Type;

    private protected override LayerShape OnBuild(LayerShape input, Rng rng)
    {
        var image = input.Image ?? throw new ModelConfigurationException($"MaxPool2D '{Name}' needs image samples (after a Conv2D), but receives {input}.");
        Require(image.Height >= PoolSize && image.Width >= PoolSize, $"MaxPool2D '{Name}': a {PoolSize}×{PoolSize} window does not fit images {image}.");
        _in = image;
        _out = new ImageShape(image.Height / PoolSize, image.Width / PoolSize, image.Channels);
        return LayerShape.ForImage(_out);
    }

    internal override Signal Forward(Signal input, PassContext context)
    {
        _batch = input.Batch;
        _inputData = input.Data;
        _output.Resize(0, _batch, _out.Length);
        if (_argmax.Length < _batch * _out.Length) _argmax = new int[_batch * _out.Length];
        _parts = Math.Max(1, Math.Min(WorkSplitter.Threads, _batch));
        WorkSplitter.Run(_parts, _forwardPart);
        return _output;
    }

    internal override Signal? Backward(Signal outputGradient, PassContext context)
    {
        if (!InputGradientNeeded) return null;
        _outputGradient = outputGradient.Data;
        _inputGradient.Resize(0, _batch, _in.Length);
        WorkSplitter.Run(_parts, _backwardPart);
        return _inputGradient;
    }

    private void ForwardPart(int part)
    {
        var (b0, b1) = WorkSplitter.Range(_batch, _parts, part);
        int c = _in.Channels, p = PoolSize;
        var y = _output.Data;
        for (int b = b0; b < b1; b++)
            for (int oy = 0; oy < _out.Height; oy++)
                for (int ox = 0; ox < _out.Width; ox++)
                {
                    int o = ((b * _out.Height + oy) * _out.Width + ox) * c;
                    int first = ((b * _in.Height + oy * p) * _in.Width + ox * p) * c;
                    for (int ch = 0; ch < c; ch++)
                    {
                        int best = first + ch;
                        for (int dy = 0; dy < p; dy++)
                            for (int dx = 0; dx < p; dx++)
                            {
                                int i = first + (dy * _in.Width + dx) * c + ch;
                                if (_inputData[i] > _inputData[best]) best = i;
                            }
                        y[o + ch] = _inputData[best];
                        _argmax[o + ch] = best;
                    }
                }
    }

    private void BackwardPart(int part)
    {
        var (b0, b1) = WorkSplitter.Range(_batch, _parts, part);
        var dx = _inputGradient.Data;
        dx.AsSpan(b0 * _in.Length, (b1 - b0) * _in.Length).Clear();
        for (int o = b0 * _out.Length; o < b1 * _out.Length; o++) dx[_argmax[o]] += _outputGradient[o];
    }

    internal override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("poolSize", PoolSize);

    /// <summary>The layer its <see cref="WriteConfig"/> options describe.</summary>
    internal static MaxPool2D ReadConfig(ConfigReader config) => new(config.Int("poolSize"));
}
