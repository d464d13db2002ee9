using System.Globalization;

namespace RnnOnnx.Onnx;

/// <summary>
/// The step-graph contract: what an RnnOnnx model file declares for the code that runs it — its data inputs and
/// outputs (everything that is not a recurrent state), its state pairs (<c>{h|c}_in_{k}</c> → <c>{h|c}_out_{k}</c>,
/// ordered by layer, hidden before cell), and its <c>rnnonnx.*</c> metadata (task, graph kind, config, version,
/// architecture). <see cref="OnnxExporter"/> writes the names with <see cref="StateInputName"/> and
/// <see cref="StateOutputName"/>; <see cref="OnnxEnsemble"/>, <see cref="OnnxModelInfo"/> and the runtime's step
/// session read them back with <see cref="TryParseStateName"/> and <see cref="Describe"/>.
/// </summary>
public sealed class StepGraph
{
    private StepGraph() { }

    /// <summary>The task, or null when <c>rnnonnx.task</c> is missing or names no known task (see <see cref="TaskName"/>).</summary>
    public ModelTask? Task { get; private init; }

    /// <summary>The raw <c>rnnonnx.task</c> value ("" when missing).</summary>
    public string TaskName { get; private init; } = "";

    /// <summary>The graph kind from <c>rnnonnx.graph</c>, or null when missing or unknown.</summary>
    public OnnxGraphKind? Kind { get; private init; }

    /// <summary>The <c>rnnonnx.config</c> JSON (<c>{}</c> when missing).</summary>
    public string Config { get; private init; } = "{}";

    /// <summary>The <c>rnnonnx.version</c> that wrote the file, or null.</summary>
    public string? Version { get; private init; }

    /// <summary>The <c>rnnonnx.architecture</c> JSON, or null.</summary>
    public string? Architecture { get; private init; }

    /// <summary>Inputs that are not states (e.g. <c>input</c>, <c>sequence_lens</c>), in the model's order.</summary>
    public IReadOnlyList<OnnxValueInfo> DataInputs { get; private init; } = [];

    /// <summary>Outputs that are not states (e.g. <c>output</c>), in the model's order.</summary>
    public IReadOnlyList<OnnxValueInfo> DataOutputs { get; private init; } = [];

    /// <summary>The recurrent states, by layer then hidden before cell.</summary>
    public IReadOnlyList<StepStatePair> States { get; private init; } = [];

    /// <summary>Every metadata entry.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; private init; } = new Dictionary<string, string>();

    /// <summary>Sum of the states' widths (0 when a width is symbolic or there are no states).</summary>
    public int StateWidth => States.Sum(s => s.Width ?? 0);

    /// <summary>The name of a state input: <c>h_in_{layer}</c> or <c>c_in_{layer}</c>.</summary>
    public static string StateInputName(StateKind kind, int layer) => StateName(kind, "in", layer);

    /// <summary>The name of a state output: <c>h_out_{layer}</c> or <c>c_out_{layer}</c>.</summary>
    public static string StateOutputName(StateKind kind, int layer) => StateName(kind, "out", layer);

    private static string StateName(StateKind kind, string direction, int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        return string.Create(CultureInfo.InvariantCulture, $"{(kind == StateKind.Cell ? "c" : "h")}_{direction}_{layer}");
    }

    /// <summary>Reads a state name of the contract (<c>{h|c}_{in|out}_{layer}</c>).</summary>
    /// <param name="name">A graph input or output name.</param>
    /// <param name="kind">Hidden or cell.</param>
    /// <param name="isInput">True for <c>_in_</c>, false for <c>_out_</c>.</param>
    /// <param name="layer">The layer index.</param>
    public static bool TryParseStateName(string name, out StateKind kind, out bool isInput, out int layer)
    {
        ArgumentNullException.ThrowIfNull(name);
        (kind, isInput, layer) = (StateKind.Hidden, false, 0);
        if (name.Length < 6 || name[1] != '_' || name[0] is not ('h' or 'c')) return false;
        kind = name[0] == 'c' ? StateKind.Cell : StateKind.Hidden;
        var rest = name.AsSpan(2);
        if (rest.StartsWith("in_", StringComparison.Ordinal)) { isInput = true; rest = rest[3..]; }
        else if (rest.StartsWith("out_", StringComparison.Ordinal)) rest = rest[4..];
        else return false;
        // Digits only, no sign, no leading zeros (so that name and index round-trip).
        if (rest.Length == 0 || (rest.Length > 1 && rest[0] == '0')) return false;
        foreach (char ch in rest) if (ch is < '0' or > '9') return false;
        return int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out layer);
    }

    /// <summary>Reads the contract of a model's bytes.</summary>
    /// <exception cref="ModelFileException">The bytes are not an ONNX model.</exception>
    public static StepGraph Read(byte[] model, string source = "ONNX model") => OnnxModelInfo.Read(model, source).StepGraph;

    /// <summary>
    /// The contract of a model whose inputs, outputs and metadata are known (from <see cref="OnnxModelInfo"/> or a
    /// runtime session): a state is an input named <c>{h|c}_in_k</c> whose output <c>{h|c}_out_k</c> exists.
    /// </summary>
    public static StepGraph Describe(IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(metadata);
        var outputNames = outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var states = new List<StepStatePair>();
        foreach (var input in inputs)
        {
            if (!TryParseStateName(input.Name, out var kind, out bool isInput, out int layer) || !isInput) continue;
            string output = StateOutputName(kind, layer);
            if (!outputNames.Contains(output)) continue;
            int? width = input.Dimensions.Count > 0 && int.TryParse(input.Dimensions[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int w) && w > 0 ? w : null;
            states.Add(new StepStatePair(input.Name, output, kind, layer, input.Dimensions, width));
        }
        states.Sort((a, b) => a.Layer != b.Layer ? a.Layer.CompareTo(b.Layer) : a.Kind.CompareTo(b.Kind));
        var stateInputs = states.Select(s => s.InputName).ToHashSet(StringComparer.Ordinal);
        var stateOutputs = states.Select(s => s.OutputName).ToHashSet(StringComparer.Ordinal);
        string taskName = metadata.GetValueOrDefault(RnnOnnxMetadata.Task, "");
        return new StepGraph
        {
            Task = ModelTasks.TryParse(taskName, out var task) ? task : null,
            TaskName = taskName,
            Kind = RnnOnnxMetadata.TryParseGraph(metadata.GetValueOrDefault(RnnOnnxMetadata.Graph), out var graph) ? graph : null,
            Config = metadata.GetValueOrDefault(RnnOnnxMetadata.Config, "{}"),
            Version = metadata.GetValueOrDefault(RnnOnnxMetadata.Version),
            Architecture = metadata.GetValueOrDefault(RnnOnnxMetadata.Architecture),
            DataInputs = inputs.Where(i => !stateInputs.Contains(i.Name)).ToList(),
            DataOutputs = outputs.Where(o => !stateOutputs.Contains(o.Name)).ToList(),
            States = states,
            Metadata = metadata,
        };
    }

    /// <summary>The data input called <paramref name="name"/>, or null.</summary>
    public OnnxValueInfo? DataInput(string name) => DataInputs.FirstOrDefault(i => i.Name == name);

    /// <summary>The data output called <paramref name="name"/>, or null.</summary>
    public OnnxValueInfo? DataOutput(string name) => DataOutputs.FirstOrDefault(o => o.Name == name);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(TaskName.Length > 0 ? TaskName : "untasked")} {(Kind is { } k ? RnnOnnxMetadata.GraphName(k) : "unknown")} graph: " +
        $"inputs {string.Join(", ", DataInputs)}; outputs {string.Join(", ", DataOutputs)}; states {string.Join(", ", States)}";
}
