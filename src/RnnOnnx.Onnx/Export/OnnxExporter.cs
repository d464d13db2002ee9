using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using RnnOnnx.Layers;
using RnnOnnx.Onnx.Export;
using RnnOnnx.Onnx.Proto;
using RnnOnnx.Serialization;
using RnnOnnx.Training;
using DataType = RnnOnnx.Onnx.Proto.TensorProto.Types.DataType;

namespace RnnOnnx.Onnx;

/// <summary>
/// Writes a trained <see cref="Sequential"/> as a standard ONNX model: one native <c>LSTM</c>/<c>GRU</c>/<c>RNN</c>
/// node per recurrent layer (layout 0, time-major, with <c>Transpose</c> around it), <c>MatMul</c>+<c>Add</c> for
/// Dense, <c>Gather</c> for Embedding, Dropout left out. Batch and time are dynamic. The file carries
/// <c>rnnonnx.*</c> metadata so that it is self-contained.
/// </summary>
public static class OnnxExporter
{
    /// <summary>IR version 8: what Debian's onnx 1.12 checker and ONNX Runtime both accept.</summary>
    public const long IrVersion = 8;

    /// <summary>Name of the main input: [batch, time, features] floats, or [batch, time] int64 token ids.</summary>
    public const string InputName = "input";

    /// <summary>Name of the main output.</summary>
    public const string OutputName = "output";

    /// <summary>Name of the optional int32 [batch] input of true sequence lengths.</summary>
    public const string SequenceLengthsName = "sequence_lens";

    /// <summary>The model as ONNX bytes.</summary>
    /// <exception cref="ModelConfigurationException">The model is not built, or the options ask for something it cannot give.</exception>
    public static byte[] Export(Sequential model, OnnxExportOptions? options = null) => Build(model, options ?? new OnnxExportOptions()).ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> atomically.</summary>
    public static void Export(Sequential model, string path, OnnxExportOptions? options = null)
    {
        var bytes = Export(model, options);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// An <see cref="EncoderDecoder"/> as two ONNX models that run one after the other: the encoder (condition in as
    /// <c>input</c>; images channels-first [batch, channels, height, width]) whose outputs are the decoder's initial
    /// states, named as the decoder step model's state inputs (<c>h_in_k</c>, <c>c_in_k</c>); and the decoder's step model
    /// (tokens and states in → outputs and <c>h_out_k</c>/<c>c_out_k</c>). Both carry the options' task, config and metadata.
    /// </summary>
    public static (byte[] Encoder, byte[] Decoder) Export(EncoderDecoder model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        if (!model.IsBuilt) throw new ModelConfigurationException("Cannot export a model that is not built: fit it first.");
        model.CheckStateWidth();
        var states = new List<(string, int)>();
        int k = 0;
        foreach (var cell in model.Decoder.RecurrentLayers)
        {
            states.Add((StepGraph.StateInputName(StateKind.Hidden, k), cell.Units));
            if (cell.StateCount == 2) states.Add((StepGraph.StateInputName(StateKind.Cell, k), cell.Units));
            k++;
        }
        var encoderOptions = new OnnxExportOptions
        {
            Opset = options.Opset, Task = options.Task, Config = options.Config, Metadata = options.Metadata, Kind = OnnxGraphKind.Encoder, EncoderStates = states,
        };
        var decoderOptions = new OnnxExportOptions { Opset = options.Opset, Task = options.Task, Config = options.Config, Metadata = options.Metadata, Kind = OnnxGraphKind.Step };
        return (Export(model.Encoder, encoderOptions), Export(model.Decoder, decoderOptions));
    }

    internal static ModelProto Build(Sequential model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.IsBuilt) throw new ModelConfigurationException("Cannot export a model that is not built: fit it or call Build first.");
        if (options.Opset is < 14 or > 21) throw new ModelConfigurationException($"Opset {options.Opset} is not supported: choose 14 to 21 (default {OnnxExportOptions.DefaultOpset}).");
        if ((options.Kind == OnnxGraphKind.Encoder) != (options.EncoderStates is not null))
            throw new ModelConfigurationException("OnnxGraphKind.Encoder is the encoder half of an EncoderDecoder export; export a Sequential as Full or Step.");
        bool step = options.Kind == OnnxGraphKind.Step;
        if (step && model.Layers.OfType<Bidirectional>().FirstOrDefault() is { } bi)
            throw new ModelConfigurationException($"A step model cannot contain the bidirectional layer '{bi.Name}': its backward half needs the whole sequence.");

        var writer = new GraphWriter(new GraphBuilder(), options);
        writer.Run(model);
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "RnnOnnx",
            ProducerVersion = Version,
            Graph = writer.Builder.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        AddMetadata(proto, RnnOnnxMetadata.Task, options.Task.ToMetadataName());
        AddMetadata(proto, RnnOnnxMetadata.Version, Version);
        AddMetadata(proto, RnnOnnxMetadata.Graph, RnnOnnxMetadata.GraphName(options.Kind));
        AddMetadata(proto, RnnOnnxMetadata.Config, options.Config);
        AddMetadata(proto, RnnOnnxMetadata.Architecture, model.DescribeArchitecture());
        foreach (var (key, value) in options.Metadata) AddMetadata(proto, key, value);
        return proto;
    }

    internal static string Version =>
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static void AddMetadata(ModelProto proto, string key, string value)
    {
        if (proto.MetadataProps.Any(p => p.Key == key)) throw new ModelConfigurationException($"Metadata key '{key}' is given twice.");
        proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    /// <summary>Walks the layers, tracking the current value and whether it is [batch, time, ·], [time, batch, ·] or [batch, ·].</summary>
    private sealed class GraphWriter(GraphBuilder builder, OnnxExportOptions options)
    {
        private enum Layout { BatchMajor, TimeMajor, Vector, ChannelsFirstImage }

        private static readonly string[] RecurrentOutputs = ["Y", "Y_h", "Y_c"];

        public GraphBuilder Builder { get; } = builder;
        private string _value = InputName;
        private Layout _layout;
        private string? _lengths;
        private int _recurrent;

        public void Run(Sequential model)
        {
            var input = model.InputShape;
            var image = input.Image ?? (model.Layers[0] as Conv2D)?.DeclaredInput;
            // Images enter channels-first ([batch, channels, height, width]): what ONNX's Conv takes and what
            // ML.NET's ExtractPixels produces; the trainer's channels-last order returns at Flatten.
            if (model.Layers[0] is Embedding) Builder.Input(InputName, DataType.Int64, "batch", "time");
            else if (image is { } i) Builder.Input(InputName, DataType.Float, "batch", i.Channels, i.Height, i.Width);
            else if (input.IsSequence) Builder.Input(InputName, DataType.Float, "batch", "time", input.Width);
            else Builder.Input(InputName, DataType.Float, "batch", input.Width);
            _layout = image is not null ? Layout.ChannelsFirstImage : input.IsSequence ? Layout.BatchMajor : Layout.Vector;
            if (options.SequenceLengths)
            {
                if (!input.IsSequence) throw new ModelConfigurationException("SequenceLengths needs a model whose input is a sequence.");
                Builder.Input(SequenceLengthsName, DataType.Int32, "batch");
                _lengths = SequenceLengthsName;
            }
            foreach (var layer in model.Layers) Write(layer);
            if (_layout == Layout.ChannelsFirstImage) throw new ModelConfigurationException("A model whose output is an image has no ONNX export: end it with Flatten (and Dense).");
            if (options.EncoderStates is { } states)
            {
                // The encoder's output cut into the decoder's initial states, named as the step model's state inputs.
                var widths = states.Select(s => (long)s.Width).ToArray();
                Builder.NodeWithOutputs("Split", "states", [_value, Builder.Int64s("split", widths)], states.Select(s => s.Name), GraphBuilder.Int("axis", 1));
                foreach (var (name, width) in states) Builder.Output(name, DataType.Float, "batch", width);
                return;
            }
            if (_layout == Layout.TimeMajor) _value = Builder.Node("Transpose", "output", [_value], 1, GraphBuilder.Ints("perm", 1, 0, 2));
            Builder.NodeWithOutputs("Identity", "output", [_value], [OutputName]);
            var output = model.OutputShape;
            if (output.IsSequence) Builder.Output(OutputName, DataType.Float, "batch", "time", output.Width);
            else Builder.Output(OutputName, DataType.Float, "batch", output.Width);
        }

        private void Write(Layer layer)
        {
            switch (layer)
            {
                case Dropout: break; // identity at inference
                case Embedding e:
                    _value = Builder.Node("Gather", e.Name, [Builder.Floats(e.Name + "/embeddings", e.Table.Value, e.InputDim, e.OutputDim), _value], 1, GraphBuilder.Int("axis", 0));
                    break;
                case Dense d: WriteDense(d); break;
                case Rescaling s:
                    _value = Builder.Node("Mul", s.Name, [_value, Builder.Floats(s.Name + "/scale", [s.Scale])]);
                    if (s.Offset != 0f) _value = Builder.Node("Add", s.Name, [_value, Builder.Floats(s.Name + "/offset", [s.Offset])]);
                    break;
                case Conv2D c: WriteConv(c); break;
                case MaxPool2D p:
                    _value = Builder.Node("MaxPool", p.Name, [_value], 1, GraphBuilder.Ints("kernel_shape", p.PoolSize, p.PoolSize), GraphBuilder.Ints("strides", p.PoolSize, p.PoolSize));
                    break;
                case Flatten f:
                    // Back to channels-last before flattening, so the values line up with the next Dense's weight rows.
                    if (_layout == Layout.ChannelsFirstImage) _value = Builder.Node("Transpose", f.Name, [_value], 1, GraphBuilder.Ints("perm", 0, 2, 3, 1));
                    if (_layout != Layout.Vector) _value = Builder.Node("Flatten", f.Name, [_value], 1, GraphBuilder.Int("axis", 1));
                    _layout = Layout.Vector;
                    break;
                case RecurrentLayer r: WriteRecurrent(r.Name, [r], r.ReturnSequences); break;
                case Bidirectional b: WriteRecurrent(b.Name, [b.ForwardLayer, b.BackwardLayer], b.ForwardLayer.ReturnSequences); break;
                default: throw new ModelConfigurationException($"Layer {layer.GetType().Name} '{layer.Name}' has no ONNX export.");
            }
        }

        private void WriteDense(Dense d)
        {
            int inputs = d.Kernel.Shape[0];
            var y = Builder.Node("MatMul", d.Name, [_value, Builder.Floats(d.Name + "/kernel", d.Kernel.Value, inputs, d.Units)]);
            y = Builder.Node("Add", d.Name, [y, Builder.Floats(d.Name + "/bias", d.Bias.Value, d.Units)]);
            _value = Activate(d.Name, y, d.Activation);
        }

        private string Activate(string name, string y, Activation activation) => activation switch
        {
            Activation.Linear => y,
            Activation.Relu => Builder.Node("Relu", name, [y]),
            Activation.Tanh => Builder.Node("Tanh", name, [y]),
            Activation.Sigmoid => Builder.Node("Sigmoid", name, [y]),
            Activation.Softmax => Builder.Node("Softmax", name, [y], 1, GraphBuilder.Int("axis", -1)),
            _ => throw new ModelConfigurationException($"Activation {activation} of '{name}' has no ONNX export."),
        };

        /// <summary>ONNX Conv wants W as [filters, channels, ky, kx]; the trainer keeps [(ky, kx, c), filters].</summary>
        private void WriteConv(Conv2D c)
        {
            int k = c.KernelSize, f = c.Filters, channels = c.Kernel.Shape[0] / (k * k);
            var w = new float[c.Kernel.Value.Length];
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                    for (int ch = 0; ch < channels; ch++)
                        for (int o = 0; o < f; o++)
                            w[((o * channels + ch) * k + ky) * k + kx] = c.Kernel.Value[((ky * k + kx) * channels + ch) * f + o];
            int pad = c.Padding == Padding.Same ? (k - 1) / 2 : 0;
            var y = Builder.Node("Conv", c.Name, [_value, Builder.Floats(c.Name + "/W", w, f, channels, k, k), Builder.Floats(c.Name + "/B", c.Bias.Value, f)], 1,
                GraphBuilder.Ints("kernel_shape", k, k), GraphBuilder.Ints("pads", pad, pad, pad, pad), GraphBuilder.Ints("strides", 1, 1));
            _value = Activate(c.Name, y, c.Activation);
        }

        /// <summary>One ONNX recurrent node for a layer (one direction) or a Bidirectional pair (two directions).</summary>
        private void WriteRecurrent(string name, RecurrentLayer[] directions, bool returnSequences)
        {
            if (_layout == Layout.Vector) throw new ModelConfigurationException($"'{name}' needs a sequence input.");
            if (_layout == Layout.BatchMajor)
                _value = Builder.Node("Transpose", name, [_value], 1, GraphBuilder.Ints("perm", 1, 0, 2));
            var first = directions[0];
            int h = first.Units, input = first.Kernel.Shape[0], dirs = directions.Length;
            var blocks = GateLayout.OnnxToTrainer(first);
            int gh = blocks.Length * h;
            var w = directions.SelectMany(l => GateLayout.ToOnnxMatrix(l.Kernel.Value, input, h, blocks)).ToArray();
            var r = directions.SelectMany(l => GateLayout.ToOnnxMatrix(l.RecurrentKernel.Value, h, h, blocks)).ToArray();
            var b = directions.SelectMany(l => GateLayout.ToOnnxVector(l.Bias.Value, h, blocks)
                .Concat(l is Gru g ? GateLayout.ToOnnxVector(g.RecurrentBias.Value, h, blocks) : new float[gh])).ToArray();

            bool step = options.Kind == OnnxGraphKind.Step;
            int k = _recurrent++;
            var inputs = new List<string>
            {
                _value,
                Builder.Floats(name + "/W", w, dirs, gh, input),
                Builder.Floats(name + "/R", r, dirs, gh, h),
                Builder.Floats(name + "/B", b, dirs, 2 * gh),
                _lengths ?? "",
            };
            StateKind[] stateKinds = first.StateCount == 2 ? [StateKind.Hidden, StateKind.Cell] : [StateKind.Hidden];
            foreach (var state in stateKinds)
            {
                if (!step) { inputs.Add(""); continue; }
                string graphInput = StepGraph.StateInputName(state, k);
                Builder.Input(graphInput, DataType.Float, "batch", h);
                inputs.Add(Builder.Node("Unsqueeze", name, [graphInput, Builder.Int64s("axes", 0)]));
            }
            while (inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);

            string op = GateLayout.OperatorOf(first);
            var attributes = new List<AttributeProto>
            {
                GraphBuilder.Int("hidden_size", h),
                GraphBuilder.String("direction", dirs == 2 ? "bidirectional" : "forward"),
            };
            if (first is Gru) attributes.Add(GraphBuilder.Int("linear_before_reset", 1));
            if (GateActivationNames.Of(first) is { } activations)
                attributes.AddRange(GateActivationNames.Attributes(Enumerable.Repeat(activations, dirs).SelectMany(a => a).ToArray()));
            var outputs = RecurrentOutputs.Take(1 + stateKinds.Length).Select(o => Builder.Fresh($"{name}/{o}")).ToArray();
            Builder.NodeWithOutputs(op, name, inputs, outputs, [.. attributes]);

            if (step)
                for (int s = 0; s < stateKinds.Length; s++)
                {
                    string graphOutput = StepGraph.StateOutputName(stateKinds[s], k);
                    Builder.NodeWithOutputs("Squeeze", name + "/" + graphOutput, [outputs[1 + s], Builder.Int64s("axes", 0)], [graphOutput]);
                    Builder.Output(graphOutput, DataType.Float, "batch", h);
                }

            if (returnSequences)
            {
                // Y is [time, directions, batch, H] → [time, batch, directions·H].
                _value = dirs == 1
                    ? Builder.Node("Squeeze", name, [outputs[0], Builder.Int64s("axes", 1)])
                    : Builder.Node("Reshape", name, [Builder.Node("Transpose", name, [outputs[0]], 1, GraphBuilder.Ints("perm", 0, 2, 1, 3)), Builder.Int64s("shape", 0, 0, -1)]);
                _layout = Layout.TimeMajor;
            }
            else
            {
                // Y_h is [directions, batch, H]: the state after each row's last real step → [batch, directions·H].
                _value = dirs == 1
                    ? Builder.Node("Squeeze", name, [outputs[1], Builder.Int64s("axes", 0)])
                    : Builder.Node("Reshape", name, [Builder.Node("Transpose", name, [outputs[1]], 1, GraphBuilder.Ints("perm", 1, 0, 2)), Builder.Int64s("shape", 0, -1)]);
                _layout = Layout.Vector;
            }
        }
    }
}
