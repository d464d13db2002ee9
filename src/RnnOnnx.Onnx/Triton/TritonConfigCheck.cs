using Inference;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx.Triton;

/// <summary>
/// The load-time rules of Triton's ONNX Runtime backend and core, checked against the ONNX graph without Triton:
/// the input-count rule, each input's and output's name, type and dims, the boolean controls' types and [batch, 1]
/// shape, each state's names, type and dims (which Triton itself only counts, so a mistake would fail per request),
/// initial-state rules, and the order invariant of triton-inference-server/server#8586.
/// </summary>
internal static class TritonConfigCheck
{
    /// <summary>Every rule <paramref name="config"/> breaks for <paramref name="graph"/>; empty when Triton would load it.</summary>
    public static IReadOnlyList<string> Problems(ModelConfig config, GraphProto graph)
    {
        var problems = new List<string>();
        var inputs = TritonTensor.Inputs(graph).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var outputs = TritonTensor.Outputs(graph).ToDictionary(t => t.Name, StringComparer.Ordinal);
        bool batched = config.MaxBatchSize > 0;
        var sequence = config.SchedulingChoiceCase == ModelConfig.SchedulingChoiceOneofCase.SequenceBatching ? config.SequenceBatching : null;

        if (config.Backend != "onnxruntime" && config.Platform != "onnxruntime_onnx")
            problems.Add($"backend is '{config.Backend}', not 'onnxruntime'");
        if (config.MaxBatchSize < 0) problems.Add($"max_batch_size {config.MaxBatchSize} is negative");
        if (config.Input.Count == 0 || config.Output.Count == 0)
            problems.Add("input and output must both be listed (otherwise the backend auto-completes inputs from every graph input, states and controls included)");

        // 1. Count rule (onnxruntime.cc ModelInstanceState): graph inputs = inputs + batch inputs + controls + states.
        int controls = sequence?.ControlInput.Sum(c => c.Control.Count) ?? 0;
        int expected = config.Input.Count(i => !i.Optional) + config.BatchInput.Count + controls + (sequence?.State.Count ?? 0);
        if (expected != inputs.Count)
            problems.Add($"configuration expects {expected} inputs, model provides {inputs.Count} ({string.Join(", ", inputs.Keys)})");

        // 2. Inputs: present, same type, dims compatible (graph -1 matches anything; fixed graph dims must be equal).
        foreach (var input in config.Input)
        {
            if (!inputs.TryGetValue(input.Name, out var tensor)) { problems.Add($"unexpected inference input '{input.Name}', allowed inputs are: {string.Join(", ", inputs.Keys)}"); continue; }
            if (input.DataType != tensor.DataType) problems.Add($"configuration expects datatype {Name(input.DataType)} for input '{input.Name}', model provides {Name(tensor.DataType)}");
            var dims = input.Reshape is { } reshape ? reshape.Shape.ToArray() : input.Dims.ToArray();
            if (DimsProblem(tensor.Dims, dims, batched, exact: false) is { } p) problems.Add($"input '{input.Name}': {p}");
            if (input.Optional && batched) problems.Add($"input '{input.Name}' is optional, which needs max_batch_size 0");
        }

        // 3. Outputs: present, same type, dims exactly equal (-1 only where the graph is dynamic).
        foreach (var output in config.Output)
        {
            if (!outputs.TryGetValue(output.Name, out var tensor)) { problems.Add($"unexpected inference output '{output.Name}', allowed outputs are: {string.Join(", ", outputs.Keys)}"); continue; }
            if (output.DataType != tensor.DataType) problems.Add($"configuration expects datatype {Name(output.DataType)} for output '{output.Name}', model provides {Name(tensor.DataType)}");
            var dims = output.Reshape is { } reshape ? reshape.Shape.ToArray() : output.Dims.ToArray();
            if (DimsProblem(tensor.Dims, dims, batched, exact: true) is { } p) problems.Add($"output '{output.Name}': {p}");
        }

        if (sequence is null) return problems;

        // 4. Controls: one of the three *_false_true lists with exactly two entries; graph type equal; shape [batch, 1].
        var controlNames = new HashSet<string>(StringComparer.Ordinal);
        var kinds = new HashSet<ModelSequenceBatching.Types.Control.Types.Kind>();
        foreach (var controlInput in sequence.ControlInput)
        {
            if (controlInput.Name.Length == 0) problems.Add("a control_input has no name");
            if (!controlNames.Add(controlInput.Name)) problems.Add($"control input '{controlInput.Name}' is listed twice");
            if (config.Input.Any(i => i.Name == controlInput.Name)) problems.Add($"control input '{controlInput.Name}' is also a config input (counted twice)");
            foreach (var control in controlInput.Control)
            {
                if (!kinds.Add(control.Kind)) problems.Add($"control {control.Kind} is configured more than once");
                if (control.Kind == ModelSequenceBatching.Types.Control.Types.Kind.ControlSequenceCorrid) continue;
                int lists = (control.Int32FalseTrue.Count > 0 ? 1 : 0) + (control.Fp32FalseTrue.Count > 0 ? 1 : 0) + (control.BoolFalseTrue.Count > 0 ? 1 : 0);
                int entries = control.Int32FalseTrue.Count + control.Fp32FalseTrue.Count + control.BoolFalseTrue.Count;
                if (lists != 1 || entries != 2) { problems.Add($"control '{controlInput.Name}' must set exactly one of int32/fp32/bool_false_true with 2 entries"); continue; }
                var type = control.Int32FalseTrue.Count > 0 ? DataType.TypeInt32 : control.Fp32FalseTrue.Count > 0 ? DataType.TypeFp32 : DataType.TypeBool;
                if (!inputs.TryGetValue(controlInput.Name, out var tensor)) { problems.Add($"control input '{controlInput.Name}' is not a graph input"); continue; }
                if (tensor.DataType != type) problems.Add($"sequence control '{controlInput.Name}': the model expects data-type {Name(tensor.DataType)} but the model configuration specifies data-type {Name(type)}");
                long[] shape = batched ? [-1, 1] : [1];
                if (!tensor.Dims.SequenceEqual(shape)) problems.Add($"sequence control '{controlInput.Name}' has dims [{string.Join(", ", tensor.Dims)}] but [{(batched ? "batch, " : "")}1] is expected (a fixed 1, not a dynamic dimension)");
            }
        }

        // 5. States: Triton only counts them at load; a wrong name or type fails every request, so check them here.
        var stateInputs = new HashSet<string>(StringComparer.Ordinal);
        var stateOutputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in sequence.State)
        {
            if (!stateInputs.Add(state.InputName)) problems.Add($"state input_name '{state.InputName}' is listed twice (Triton ignores the duplicate)");
            if (!stateOutputs.Add(state.OutputName)) problems.Add($"state output_name '{state.OutputName}' is listed twice (Triton ignores the duplicate)");
            if (config.Input.Any(i => i.Name == state.InputName) || controlNames.Contains(state.InputName))
                problems.Add($"state input '{state.InputName}' is also a config input or control (counted twice)");
            if (!inputs.TryGetValue(state.InputName, out var input)) problems.Add($"state input_name '{state.InputName}' is not a graph input");
            else
            {
                if (input.DataType != state.DataType) problems.Add($"state '{state.InputName}' is {Name(state.DataType)} in the configuration, {Name(input.DataType)} in the graph");
                if (DimsProblem(input.Dims, state.Dims.ToArray(), batched, exact: true) is { } p) problems.Add($"state input '{state.InputName}': {p}");
            }
            if (!outputs.TryGetValue(state.OutputName, out var output)) problems.Add($"state output_name '{state.OutputName}' is not a graph output");
            else
            {
                if (output.DataType != state.DataType) problems.Add($"state '{state.OutputName}' is {Name(state.DataType)} in the configuration, {Name(output.DataType)} in the graph");
                if (DimsProblem(output.Dims, state.Dims.ToArray(), batched, exact: true) is { } p) problems.Add($"state output '{state.OutputName}': {p}");
            }
            if (state.InitialState.Count > 1) problems.Add($"state '{state.InputName}' has more than one initial_state");
            foreach (var initial in state.InitialState)
            {
                if (initial.Name.Length == 0) problems.Add($"initial_state of '{state.InputName}' has no name (Triton requires one)");
                if (initial.DataType != state.DataType) problems.Add($"initial_state of '{state.InputName}' is {Name(initial.DataType)}, the state is {Name(state.DataType)}");
                if (initial.StateDataCase == ModelSequenceBatching.Types.InitialState.StateDataOneofCase.None) problems.Add($"initial_state of '{state.InputName}' sets neither zero_data nor data_file");
                if (initial.Dims.Any(d => d < 0)) problems.Add($"initial_state of '{state.InputName}' has a -1 dimension");
                if (initial.Dims.Count != state.Dims.Count || initial.Dims.Where((d, i) => state.Dims[i] >= 0 && d != state.Dims[i]).Any())
                    problems.Add($"initial_state dims [{string.Join(", ", initial.Dims)}] of '{state.InputName}' differ from the state's [{string.Join(", ", state.Dims)}]");
            }
        }

        // 6. triton-inference-server/server#8586: the k-th state by output name is fed back into the k-th state by input name.
        var byInput = sequence.State.Select(s => s.InputName).Order(StringComparer.Ordinal).ToList();
        var byOutput = sequence.State.OrderBy(s => s.OutputName, StringComparer.Ordinal).Select(s => s.InputName).ToList();
        if (!byInput.SequenceEqual(byOutput))
            problems.Add($"states sorted by input name ({string.Join(", ", byInput)}) and by output name ({string.Join(", ", byOutput)}) differ: Triton would feed states back into the wrong inputs (server#8586)");

        if (sequence.StrategyChoiceCase == ModelSequenceBatching.StrategyChoiceOneofCase.Direct
            && sequence.Direct.MinimumSlotUtilization is < 0 or > 1)
            problems.Add("direct.minimum_slot_utilization must be in [0, 1]");
        return problems;
    }

    /// <summary>The schema's name of a data type, e.g. <c>TYPE_FP32</c>, as Triton's messages print it.</summary>
    internal static string Name(DataType type) =>
        typeof(DataType).GetField(type.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? type.ToString();

    /// <summary>
    /// The backend's CompareDimsSupported: with batching the graph's first dimension must be dynamic and is not in the
    /// config; then ranks must agree, and each graph dimension must be dynamic or equal the config's (exact: -1 only
    /// matches -1).
    /// </summary>
    private static string? DimsProblem(long[] graph, long[] config, bool batched, bool exact)
    {
        var rest = graph;
        if (batched)
        {
            if (graph.Length == 0 || graph[0] != -1) return $"model dims [{string.Join(", ", graph)}] have no dynamic batch dimension first, but max_batch_size > 0";
            rest = graph[1..];
        }
        if (rest.Length == 0 && config.All(d => d == 1) && !exact) return null;
        if (rest.Length != config.Length) return $"model has rank {rest.Length} after the batch dimension, the configuration {config.Length}";
        for (int i = 0; i < rest.Length; i++)
        {
            bool ok = exact ? rest[i] == config[i] : rest[i] == -1 || rest[i] == config[i];
            if (!ok) return $"model dims [{string.Join(", ", graph)}] do not match configuration dims [{string.Join(", ", config)}]";
        }
        return null;
    }
}
