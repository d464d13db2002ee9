using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnOnnx.Onnx;

namespace RnnOnnx.Runtime.Tensors;

/// <summary>
/// One ONNX model, opened once, run on tensors given as JSON (the files of <see cref="TensorFileRunner"/>): for a
/// host that runs a model many times, as <c>rnnonnx serve</c>'s <c>/run</c> does. <see cref="Run(string)"/> is
/// thread-safe: calls share the one ONNX Runtime session.
/// </summary>
/// <example>
/// <code>
/// using var runner = new TensorRunner(File.ReadAllBytes("model.onnx"));
/// string outputs = runner.Run("""{"input": {"shape": [1, 3, 1], "data": [1, 2, 3]}}""");
/// </code>
/// </example>
public sealed class TensorRunner : IDisposable
{
    private readonly OnnxModelInfo _info;
    private readonly InferenceSession _session;

    /// <summary>Opens <paramref name="model"/> on <paramref name="executionProvider"/> (default CPU).</summary>
    /// <exception cref="ModelFileException">The bytes are not an ONNX model.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot start.</exception>
    public TensorRunner(byte[] model, ExecutionProvider? executionProvider = null, Action<string>? warning = null)
        : this(model, OnnxModelInfo.Read(model ?? throw new ArgumentNullException(nameof(model)), "ONNX model"), executionProvider, warning, "The ONNX model") { }

    /// <summary>Opens <paramref name="model"/>, whose metadata the caller has already read as <paramref name="info"/>.</summary>
    internal TensorRunner(byte[] model, OnnxModelInfo info, ExecutionProvider? executionProvider, Action<string>? warning, string source)
    {
        _info = info;
        _session = SessionFactory.Create(model, source, executionProvider ?? ExecutionProvider.Cpu, 0,
            warning ?? (message => Console.Error.WriteLine("warning: " + message)), out _);
    }

    /// <summary>Runs the model on the tensors of <paramref name="inputJson"/>; returns every output as tensor JSON.</summary>
    /// <exception cref="DataException">The JSON is not tensor JSON or does not fit the model's inputs.</exception>
    /// <exception cref="RnnOnnxException">ONNX Runtime failed.</exception>
    public string Run(string inputJson) => Run(inputJson, "Input JSON");

    internal string Run(string inputJson, string inputSource) => Run(ReadInputs(_info, inputJson, inputSource), inputSource);

    /// <summary>The tensors of <paramref name="inputJson"/>, checked against the model's input names (before any session is opened).</summary>
    internal static Dictionary<string, JsonTensor> ReadInputs(OnnxModelInfo info, string inputJson, string inputSource)
    {
        ArgumentNullException.ThrowIfNull(inputJson);
        var tensors = TensorJson.Parse(inputJson, inputSource);
        string signature = string.Join(", ", info.Inputs);
        if (tensors.Keys.FirstOrDefault(name => info.Inputs.All(i => i.Name != name)) is { } extra)
            throw new DataException($"{inputSource} gives tensor '{extra}', which is not an input of the model; its inputs are {signature}.");
        var missing = info.Inputs.Where(i => !tensors.ContainsKey(i.Name)).ToList();
        if (missing.Count > 0)
            throw new DataException($"{inputSource} lacks the model input{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}.");
        return tensors;
    }

    internal string Run(Dictionary<string, JsonTensor> tensors, string inputSource)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var declared in _info.Inputs)
            {
                var meta = _session.InputMetadata[declared.Name];
                var tensor = tensors[declared.Name];
                CheckShape(declared, tensor, inputSource);
                names.Add(declared.Name);
                values.Add(ToOrtValue(meta.ElementDataType, tensor, declared, inputSource));
            }
            var outputNames = _session.OutputNames;
            using var runOptions = new RunOptions();
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try { outputs = _session.Run(runOptions, names, values, outputNames); }
            catch (OnnxRuntimeException e) { throw new RnnOnnxException($"ONNX Runtime failed: {e.Message.Trim()}", e); }
            using (outputs)
                return TensorJson.Write(outputNames.Select((name, i) => (name, outputs[i].GetTensorTypeAndShape().Shape, Elements(name, outputs[i]))));
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    private static void CheckShape(OnnxValueInfo declared, JsonTensor tensor, string source)
    {
        bool fits = declared.Dimensions.Count == tensor.Shape.Length
            && declared.Dimensions.Select((d, i) => !long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long size) || size == tensor.Shape[i]).All(ok => ok);
        if (!fits)
            throw new DataException($"{source}, tensor '{declared.Name}': shape [{string.Join(", ", tensor.Shape)}] does not fit the model's {declared}.");
    }

    private static OrtValue ToOrtValue(TensorElementType type, JsonTensor tensor, OnnxValueInfo declared, string source)
    {
        var data = tensor.Data;
        switch (type)
        {
            case TensorElementType.Float:
                return OrtValue.CreateTensorValueFromMemory(data.Select(v => (float)v).ToArray(), tensor.Shape);
            case TensorElementType.Double:
                return OrtValue.CreateTensorValueFromMemory(data.ToArray(), tensor.Shape);
            case TensorElementType.Int64:
                return OrtValue.CreateTensorValueFromMemory(Whole(data, long.MinValue, long.MaxValue, declared, source).Select(v => (long)v).ToArray(), tensor.Shape);
            case TensorElementType.Int32:
                return OrtValue.CreateTensorValueFromMemory(Whole(data, int.MinValue, int.MaxValue, declared, source).Select(v => (int)v).ToArray(), tensor.Shape);
            case TensorElementType.Bool:
                return OrtValue.CreateTensorValueFromMemory(Whole(data, 0, 1, declared, source).Select(v => v != 0).ToArray(), tensor.Shape);
            default:
                throw new DataException($"{source}, tensor '{declared.Name}': the model's input is {declared.ElementType}, which tensor JSON does not carry (float, double, int64, int32, bool).");
        }
    }

    private static double[] Whole(double[] data, double min, double max, OnnxValueInfo declared, string source)
    {
        for (int i = 0; i < data.Length; i++)
            if (!(data[i] >= min && data[i] <= max) || data[i] != Math.Floor(data[i]))
                throw new DataException($"{source}, tensor '{declared.Name}': element {i} is {data[i].ToString(CultureInfo.InvariantCulture)}, not a whole number from {min} to {max} as {declared.ElementType} needs.");
        return data;
    }

    private static string[] Elements(string name, OrtValue value) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => Convert(value.GetTensorDataAsSpan<float>(), TensorJson.Number),
        TensorElementType.Double => Convert(value.GetTensorDataAsSpan<double>(), TensorJson.Number),
        TensorElementType.Int64 => Convert(value.GetTensorDataAsSpan<long>(), v => v.ToString(CultureInfo.InvariantCulture)),
        TensorElementType.Int32 => Convert(value.GetTensorDataAsSpan<int>(), v => v.ToString(CultureInfo.InvariantCulture)),
        TensorElementType.Bool => Convert(value.GetTensorDataAsSpan<bool>(), v => v ? "true" : "false"),
        var other => throw new RnnOnnxException($"Output '{name}' is {other}, which tensor JSON does not carry (float, double, int64, int32, bool)."),
    };

    private static string[] Convert<T>(ReadOnlySpan<T> values, Func<T, string> format)
    {
        var text = new string[values.Length];
        for (int i = 0; i < values.Length; i++) text[i] = format(values[i]);
        return text;
    }
}
