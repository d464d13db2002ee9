using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Runtime;
using RnnOnnx.Server.Problems;

namespace RnnOnnx.Server.V2;

/// <summary>
/// Runs one Open Inference Protocol request: reads the JSON (data flat or nested), checks every input against the
/// model (name, datatype, shape, element count: a mismatch is a 400 in Triton's words), runs the model, and writes
/// the response with flat data. A sequence model runs one request as steps of the sequence's own
/// <see cref="StepSession"/>: O(steps of this request), never a rerun of the history.
/// </summary>
internal static class V2Inference
{
    private sealed record Input(string Name, long[] Shape, string Datatype, Array Data);

    private sealed record Output(string Name, long[] Shape, string Datatype, Array Data);

    public static async Task HandleAsync(V2Model model, JsonElement root, SequenceStore sequences, Stream body, CancellationToken cancellationToken)
    {
        string name = model.Model.Name;
        if (root.ValueKind != JsonValueKind.Object) throw Bad("the request body must be a JSON object with an 'inputs' array");
        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
            id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : throw Bad("'id' must be a string");
        var parameters = root.TryGetProperty("parameters", out var p) ? p : default;
        if (parameters.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object or JsonValueKind.Null))
            throw Bad("'parameters' must be a JSON object");
        if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array)
            throw Bad("the request must have an 'inputs' array: [{\"name\", \"shape\", \"datatype\", \"data\"}]");
        var inputs = ReadInputs(model, inputsElement);
        var wanted = ReadRequestedOutputs(model, root);

        List<Output> outputs = model.IsSequence
            ? RunSequence(model, parameters, inputs, sequences)
            : RunFull(model, inputs, wanted);
        if (wanted is not null) outputs = outputs.Where(o => wanted.Contains(o.Name)).ToList();

        await using var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("model_name", name);
        writer.WriteString("model_version", model.VersionText);
        if (id is not null) writer.WriteString("id", id);
        writer.WriteStartArray("outputs");
        foreach (var output in outputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", output.Name);
            writer.WriteStartArray("shape");
            foreach (long d in output.Shape) writer.WriteNumberValue(d);
            writer.WriteEndArray();
            writer.WriteString("datatype", output.Datatype);
            writer.WriteStartArray("data");
            WriteData(writer, output.Data);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static List<Input> ReadInputs(V2Model model, JsonElement array)
    {
        string name = model.Model.Name;
        var inputs = new List<Input>();
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object) throw Bad("each entry of 'inputs' must be an object {\"name\", \"shape\", \"datatype\", \"data\"}");
            string inputName = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Bad("an input has no 'name' string");
            var declared = model.Inputs.FirstOrDefault(i => i.Name == inputName)
                ?? throw Bad($"unexpected inference input '{inputName}' for model '{name}'; its inputs are {string.Join(", ", model.Inputs.Select(i => $"'{i.Name}' {i.Datatype} [{string.Join(",", i.Shape)}]"))}");
            if (inputs.Any(i => i.Name == inputName)) throw Bad($"input '{inputName}' is given twice");
            string datatype = element.TryGetProperty("datatype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : throw Bad($"input '{inputName}' has no 'datatype' string (e.g. \"{declared.Datatype}\")");
            if (datatype != declared.Datatype)
                throw Bad($"inference input '{inputName}' data-type is '{datatype}', but model '{name}' expects '{declared.Datatype}'");
            if (!element.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array) throw Bad($"input '{inputName}' has no 'shape' array");
            var shape = new long[s.GetArrayLength()];
            int k = 0;
            foreach (var dim in s.EnumerateArray())
                shape[k++] = dim.ValueKind == JsonValueKind.Number && dim.TryGetInt64(out long v) && v >= 0 ? v : throw Bad($"input '{inputName}': shape entries must be whole numbers ≥ 0, found {dim.GetRawText()}");
            bool fits = shape.Length == declared.Shape.Length && shape.Zip(declared.Shape).All(x => x.Second < 0 || x.First == x.Second);
            if (!fits)
                throw Bad($"unexpected shape for input '{inputName}' for model '{name}'. Expected [{string.Join(",", declared.Shape)}], got [{string.Join(",", shape)}]");
            if (element.TryGetProperty("parameters", out var ip) && ip.ValueKind == JsonValueKind.Object && ip.TryGetProperty("binary_data_size", out _))
                throw Bad($"input '{inputName}': binary tensor data is not supported by this server; send 'data' as JSON");
            if (!element.TryGetProperty("data", out var data)) throw Bad($"input '{inputName}' has no 'data'");
            long count = 1;
            foreach (long dim in shape)
            {
                count *= dim;
                if (count > 1L << 28) throw Bad($"input '{inputName}': shape [{string.Join(",", shape)}] is too large for this server");
            }
            inputs.Add(new Input(inputName, shape, datatype, ReadData(inputName, datatype, data, (int)count)));
        }
        if (inputs.Count != model.Inputs.Count)
            throw Bad($"expected {model.Inputs.Count} inputs but got {inputs.Count} inputs for model '{name}'; missing {string.Join(", ", model.Inputs.Where(i => inputs.All(x => x.Name != i.Name)).Select(i => $"'{i.Name}'"))}");
        return inputs;
    }

    private static HashSet<string>? ReadRequestedOutputs(V2Model model, JsonElement root)
    {
        if (!root.TryGetProperty("outputs", out var outputs) || outputs.ValueKind == JsonValueKind.Null) return null;
        if (outputs.ValueKind != JsonValueKind.Array) throw Bad("'outputs' must be an array of {\"name\"}");
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in outputs.EnumerateArray())
        {
            string name = o.ValueKind == JsonValueKind.Object && o.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Bad("each entry of 'outputs' must be {\"name\": \"...\"}");
            if (model.Outputs.All(x => x.Name != name))
                throw Bad($"unexpected inference output '{name}' for model '{model.Model.Name}'; its outputs are {string.Join(", ", model.Outputs.Select(x => $"'{x.Name}'"))}");
            wanted.Add(name);
        }
        return wanted.Count == 0 ? null : wanted;
    }

    private static Array ReadData(string input, string datatype, JsonElement data, int count) => datatype switch
    {
        "FP32" => Read(input, data, count, e => e.TryGetDouble(out double v) ? (float)v : throw NotA(input, e, "number")),
        "FP64" => Read(input, data, count, e => e.TryGetDouble(out double v) ? v : throw NotA(input, e, "number")),
        "INT64" => Read(input, data, count, e => e.TryGetInt64(out long v) ? v : throw NotA(input, e, "whole number")),
        "INT32" => Read(input, data, count, e => e.TryGetInt32(out int v) ? v : throw NotA(input, e, "32-bit whole number")),
        "INT8" => Read(input, data, count, e => e.TryGetSByte(out sbyte v) ? v : throw NotA(input, e, "8-bit whole number")),
        "UINT8" => Read(input, data, count, e => e.TryGetByte(out byte v) ? v : throw NotA(input, e, "8-bit unsigned whole number")),
        "BOOL" => Read(input, data, count, e => e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : throw NotA(input, e, "boolean")),
        _ => throw Bad($"input '{input}': datatype {datatype} cannot be sent as JSON to this server (FP32, FP64, INT64, INT32, INT8, UINT8, BOOL)"),
    };

    private static T[] Read<T>(string input, JsonElement data, int count, Func<JsonElement, T> convert)
    {
        var values = new T[count];
        int n = 0;
        void Walk(JsonElement e, int depth)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                if (depth > 32) throw Bad($"input '{input}': 'data' is nested too deeply");
                foreach (var item in e.EnumerateArray()) Walk(item, depth + 1);
                return;
            }
            if (n >= count) { n++; return; }
            if (e.ValueKind is not (JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)) throw NotA(input, e, "number");
            values[n++] = convert(e);
        }
        if (data.ValueKind != JsonValueKind.Array) throw Bad($"input '{input}': 'data' must be an array (flat or nested)");
        Walk(data, 0);
        if (n != count) throw Bad($"unexpected number of elements for input '{input}': its shape needs {count}, 'data' has {n}");
        return values;
    }

    private static ProblemException NotA(string input, JsonElement e, string what) => Bad($"input '{input}': 'data' holds {e.GetRawText()}, which is not a {what}");

    private static List<Output> RunFull(V2Model model, List<Input> inputs, HashSet<string>? wanted)
    {
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var input in inputs) values.Add(ToOrtValue(input));
            var outputNames = model.Outputs.Where(o => wanted is null || wanted.Contains(o.Name)).Select(o => o.Name).ToList();
            using var runOptions = new RunOptions();
            IDisposableReadOnlyCollection<OrtValue> results;
            try { results = model.Session.Run(runOptions, inputs.Select(i => i.Name).ToList(), values, outputNames); }
            catch (OnnxRuntimeException e) { throw Bad($"model '{model.Model.Name}' cannot run these inputs: {e.Message.Trim()}"); }
            using (results)
            {
                var outputs = new List<Output>(outputNames.Count);
                for (int i = 0; i < outputNames.Count; i++)
                {
                    var info = results[i].GetTensorTypeAndShape();
                    outputs.Add(new Output(outputNames[i], info.Shape, model.Outputs.First(o => o.Name == outputNames[i]).Datatype, Copy(results[i])));
                }
                return outputs;
            }
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    private static OrtValue ToOrtValue(Input input) => input.Data switch
    {
        float[] a => OrtValue.CreateTensorValueFromMemory(a, input.Shape),
        double[] a => OrtValue.CreateTensorValueFromMemory(a, input.Shape),
        long[] a => OrtValue.CreateTensorValueFromMemory(a, input.Shape),
        int[] a => OrtValue.CreateTensorValueFromMemory(a, input.Shape),
        sbyte[] a => OrtValue.CreateTensorValueFromMemory(a, input.Shape),
        byte[] a => OrtValue.CreateTensorValueFromMemory(a, input.Shape),
        bool[] a => OrtValue.CreateTensorValueFromMemory(a, input.Shape),
        _ => throw new InvalidOperationException("unreachable"),
    };

    private static Array Copy(OrtValue value) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray(),
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
        var other => throw Bad($"an output is {other}, which this server cannot send as JSON"),
    };

    private static List<Output> RunSequence(V2Model model, JsonElement parameters, List<Input> inputs, SequenceStore sequences)
    {
        string name = model.Model.Name;
        string? id = null;
        bool start = false, end = false;
        if (parameters.ValueKind == JsonValueKind.Object)
        {
            if (parameters.TryGetProperty("sequence_id", out var sid))
                id = sid.ValueKind switch
                {
                    JsonValueKind.Number when sid.TryGetUInt64(out ulong u) => u == 0 ? null : u.ToString(CultureInfo.InvariantCulture),
                    JsonValueKind.String => sid.GetString() is { Length: > 0 } text ? text : null,
                    _ => throw Bad("Unable to parse 'sequence_id'"),
                };
            start = Flag(parameters, "sequence_start");
            end = Flag(parameters, "sequence_end");
        }
        if (id is null) throw Bad($"inference request to model '{name}' must specify a non-zero or non-empty correlation ID");
        var input = inputs[0];
        if (input.Shape[0] != 1) throw Bad($"inference request to model '{name}' must specify batch-size 1 due to requirements of sequence batcher");
        var startError = Bad($"inference request for sequence {id} to model '{name}' must specify the START flag on the first request of the sequence");
        int steps = input.Shape.Length > 1 ? checked((int)input.Shape[1]) : 1;
        Output output;
        for (int attempt = 0; ; attempt++)
        {
            var sequence = start ? sequences.Start(model, id) : sequences.Find(model, id);
            if (sequence is null) throw startError;
            lock (sequence.Gate)
            {
                // Closed between the lookup and the lock: ended or expired by another request, or its model reloaded.
                // A START request simply starts again; any other has lost its state.
                if (sequence.Closed)
                {
                    if (start && attempt < 3) continue;
                    throw startError;
                }
                output = Step(sequence, input, steps, name);
                sequences.Touch(sequence);
            }
            if (end) sequences.End(model, id, sequence);
            return [output];
        }
    }

    private static Output Step(Sequence sequence, Input input, int steps, string name)
    {
        var session = sequence.Steps;
        try
        {
            var result = input.Data is long[] ids ? session.Run(ids, steps) : session.Run((float[])input.Data, steps);
            long[] shape = session.OutputIsSequence ? [1, steps, session.OutputWidth] : [1, session.OutputWidth];
            return new Output(session.OutputName, shape, "FP32", result.ToArray());
        }
        catch (Exception e) when (e is ShapeException or OnnxRuntimeException)
        {
            throw Bad($"model '{name}' cannot run these inputs: {e.Message.Trim()}");
        }
    }

    private static bool Flag(JsonElement parameters, string name) => !parameters.TryGetProperty(name, out var value) ? false : value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Bad($"Unable to parse '{name}'"),
    };

    private static void WriteData(Utf8JsonWriter writer, Array data)
    {
        switch (data)
        {
            case float[] a:
                foreach (float v in a)
                    if (float.IsFinite(v)) writer.WriteNumberValue(v); else writer.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
                break;
            case double[] a:
                foreach (double v in a)
                    if (double.IsFinite(v)) writer.WriteNumberValue(v); else writer.WriteStringValue(v.ToString(CultureInfo.InvariantCulture));
                break;
            case long[] a: foreach (long v in a) writer.WriteNumberValue(v); break;
            case int[] a: foreach (int v in a) writer.WriteNumberValue(v); break;
            case sbyte[] a: foreach (sbyte v in a) writer.WriteNumberValue(v); break;
            case byte[] a: foreach (byte v in a) writer.WriteNumberValue(v); break;
            case bool[] a: foreach (bool v in a) writer.WriteBooleanValue(v); break;
        }
    }

    private static ProblemException Bad(string message) => new(400, "Bad request", message);
}
