using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnOnnx.Onnx;
using RnnOnnx.Serialization;

namespace RnnOnnx.ML;

/// <summary>
/// Runs any ONNX model once on tensors read from JSON and writes every output as JSON — what
/// <c>rnnonnx run --model M.onnx --input IN.json --out OUT.json</c> does, for scripting and debugging.
/// </summary>
/// <remarks>
/// Both files hold one JSON object of tensors: <c>{"name": {"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}}</c>, data
/// row-major (flat or nested). Every model input must be given; its element type (float, double, int64, int32,
/// bool) comes from the model. Outputs are written in the model's order with the shortest decimal text that reads
/// back to the same value; non-finite values as <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// </remarks>
public static class TensorFileRunner
{
    /// <summary>Runs <paramref name="modelFile"/> on the tensors in <paramref name="inputFile"/>; writes the outputs to <paramref name="outputFile"/> (atomically).</summary>
    /// <exception cref="ModelFileException">The model cannot be read or is not ONNX.</exception>
    /// <exception cref="DataException">The input file cannot be read, is not tensor JSON, or does not fit the model's inputs.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot start.</exception>
    /// <exception cref="RnnOnnxException">ONNX Runtime failed.</exception>
    public static void Run(string modelFile, string inputFile, string outputFile, ExecutionProvider? executionProvider = null, Action<string>? warning = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFile);
        ArgumentException.ThrowIfNullOrEmpty(inputFile);
        ArgumentException.ThrowIfNullOrEmpty(outputFile);
        byte[] model;
        try { model = File.ReadAllBytes(modelFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"ONNX model '{modelFile}' cannot be read: {e.Message}", e);
        }
        string input;
        try { input = File.ReadAllText(inputFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"Input file '{inputFile}' cannot be read: {e.Message}");
        }
        string output = Run(model, input, executionProvider, warning, $"ONNX model '{modelFile}'", $"'{inputFile}'");
        AtomicFile.WriteAllBytes(outputFile, System.Text.Encoding.UTF8.GetBytes(output));
    }

    /// <summary>Runs <paramref name="model"/> on the tensors of <paramref name="inputJson"/>; returns the outputs as JSON.</summary>
    /// <exception cref="ModelFileException">The bytes are not an ONNX model.</exception>
    /// <exception cref="DataException">The JSON is not tensor JSON or does not fit the model's inputs.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot start.</exception>
    /// <exception cref="RnnOnnxException">ONNX Runtime failed.</exception>
    public static string Run(byte[] model, string inputJson, ExecutionProvider? executionProvider = null, Action<string>? warning = null) =>
        Run(model, inputJson, executionProvider, warning, "ONNX model", "Input JSON");

    private static string Run(byte[] model, string inputJson, ExecutionProvider? executionProvider, Action<string>? warning, string modelSource, string inputSource)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputJson);
        var info = OnnxModelInfo.Read(model, modelSource);
        var tensors = TensorJson.Parse(inputJson, inputSource);
        string signature = string.Join(", ", info.Inputs);
        if (tensors.Keys.FirstOrDefault(name => info.Inputs.All(i => i.Name != name)) is { } extra)
            throw new DataException($"{inputSource} gives tensor '{extra}', which is not an input of the model; its inputs are {signature}.");
        var missing = info.Inputs.Where(i => !tensors.ContainsKey(i.Name)).ToList();
        if (missing.Count > 0)
            throw new DataException($"{inputSource} lacks the model input{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}.");

        using var session = SessionFactory.Create(model, executionProvider ?? ExecutionProvider.Cpu, 0,
            warning ?? (message => Console.Error.WriteLine("warning: " + message)), out _);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var declared in info.Inputs)
            {
                var meta = session.InputMetadata[declared.Name];
                var tensor = tensors[declared.Name];
                CheckShape(declared, tensor, inputSource);
                names.Add(declared.Name);
                values.Add(ToOrtValue(meta.ElementDataType, tensor, declared, inputSource));
            }
            var outputNames = session.OutputNames;
            using var runOptions = new RunOptions();
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try { outputs = session.Run(runOptions, names, values, outputNames); }
            catch (OnnxRuntimeException e) { throw new RnnOnnxException($"ONNX Runtime failed: {e.Message.Trim()}", e); }
            using (outputs)
                return TensorJson.Write(outputNames.Select((name, i) => (name, outputs[i].GetTensorTypeAndShape().Shape, Elements(name, outputs[i]))));
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

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
