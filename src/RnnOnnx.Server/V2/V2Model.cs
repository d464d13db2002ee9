using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime;
using RnnOnnx.Server.Models;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.V2;

/// <summary>A tensor of the model as the Open Inference Protocol describes it: name, datatype (FP32, INT64, ...) and shape (-1 = dynamic).</summary>
internal sealed record V2Tensor(string Name, string Datatype, long[] Shape, string OnnxType);

/// <summary>
/// A served model for the Open Inference Protocol: one ONNX Runtime session shared by every request, the tensors a
/// client sends and gets, and, for a step model (recurrent state pairs that a <see cref="StepSession"/> can carry),
/// the sequence contract: the client sends only the data input and the server keeps the state per sequence.
/// </summary>
internal sealed class V2Model : IDisposable
{
    private V2Model(ServedModel model, InferenceSession session, StepGraph? sequenceGraph, IReadOnlyList<V2Tensor> inputs, IReadOnlyList<V2Tensor> outputs)
    {
        (Model, Session, SequenceGraph, Inputs, Outputs) = (model, session, sequenceGraph, inputs, outputs);
    }

    public ServedModel Model { get; }

    public InferenceSession Session { get; }

    /// <summary>The step contract when requests to this model are sequences (state kept by the server); null for a plain model.</summary>
    public StepGraph? SequenceGraph { get; }

    public bool IsSequence => SequenceGraph is not null;

    public IReadOnlyList<V2Tensor> Inputs { get; }

    public IReadOnlyList<V2Tensor> Outputs { get; }

    public string VersionText => Model.Version.ToString(CultureInfo.InvariantCulture);

    public static V2Model Open(ServedModel model)
    {
        var info = model.Info ?? throw new ProblemException(400, "Model not ready", $"Request for unknown model: '{model.Name}' has no available versions");
        InferenceSession session;
        try
        {
            session = SessionFactory.Create(model.Onnx!, ExecutionProvider.Cpu, 0, _ => { }, out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ProblemException(400, "Model not ready", $"model '{model.Name}' version {model.Version} cannot be opened by ONNX Runtime: {e.Message.Trim()}");
        }
        var graph = info.StepGraph;
        StepGraph? sequence = null;
        if (graph.States.Count > 0)
        {
            try
            {
                using var probe = new StepSession(session, graph, rows: 0);
                sequence = graph;
                var input = info.Inputs.First(i => i.Name == probe.InputName);
                var output = info.Outputs.First(o => o.Name == probe.OutputName);
                return new V2Model(model, session, sequence, [Describe(input)], [Describe(output)]);
            }
            catch (ModelConfigurationException)
            {
                // State pairs a step session cannot carry: served as a plain model whose client sends the states.
            }
        }
        return new V2Model(model, session, null, info.Inputs.Select(Describe).ToList(), info.Outputs.Select(Describe).ToList());
    }

    private static V2Tensor Describe(OnnxValueInfo value) => new(value.Name, Datatype(value.ElementType),
        value.Dimensions.Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1).ToArray(), value.ElementType);

    /// <summary>The protocol's datatype name of an ONNX element type (as <see cref="OnnxValueInfo.ElementType"/> spells it).</summary>
    public static string Datatype(string onnxType) => onnxType switch
    {
        "float" => "FP32",
        "double" => "FP64",
        "float16" => "FP16",
        "int64" => "INT64",
        "int32" => "INT32",
        "int8" => "INT8",
        "uint8" => "UINT8",
        "bool" => "BOOL",
        "string" => "BYTES",
        _ => onnxType.ToUpperInvariant(),
    };

    public void Dispose() => Session.Dispose();
}
