using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Inference;
using RnnOnnx.Onnx.Proto;

namespace RnnOnnx.Onnx.Triton;

/// <summary>
/// Writes ONNX models into a Triton model repository (<c>REPO/NAME/config.pbtxt</c>, <c>REPO/NAME/V/model.onnx</c>) for
/// Triton's ONNX Runtime backend. A full-sequence model is written unchanged with dynamic batching; a step model
/// (recurrent state as inputs and outputs) becomes the Triton-shaped step graph — states <c>state_in_KK_X</c> →
/// <c>state_out_KK_X</c> with batch first, and a float <c>START</c> [batch, 1] control that zeroes the state — driven by
/// Triton's sequence batcher with implicit state. The configuration is built as an <c>inference.ModelConfig</c> message
/// of Triton's own schema, checked against the graph with the backend's load-time rules, and printed in text format.
/// Our metadata (<c>rnnonnx.task</c>, <c>rnnonnx.config</c>, …) stays in the ONNX file and is also written as config
/// <c>parameters</c>.
/// </summary>
public static partial class TritonExporter
{
    /// <summary>The configuration file of a model folder.</summary>
    public const string ConfigFileName = "config.pbtxt";

    /// <summary>The model file of a version folder (the ONNX Runtime backend's default).</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The START control input of step models: 1 on the first request of a sequence, 0 after.</summary>
    public const string StartInput = TritonStepGraph.Start;

    /// <summary>Prefix of the config <c>parameters</c> keys copied from the ONNX metadata.</summary>
    public const string ParameterPrefix = "rnnonnx.";

    /// <summary>Builds the Triton model in memory.</summary>
    /// <param name="onnx">An ONNX model: a full-sequence model, or a step model with its recurrent state as inputs and outputs.</param>
    /// <param name="name">The model's name in the repository.</param>
    /// <param name="options">Batching options.</param>
    /// <exception cref="ModelFileException">The bytes are not an ONNX model, or the model cannot be served by Triton as it is.</exception>
    /// <exception cref="ArgumentException">The name or an option is not valid.</exception>
    public static TritonModel Build(byte[] onnx, string name, TritonExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        options ??= new TritonExportOptions();
        CheckName(name);
        if (options.MaxBatchSize < 0) throw new ArgumentException($"--max-batch must be ≥ 0, got {options.MaxBatchSize}.", nameof(options));
        var model = OnnxModelInfo.Parse(onnx, "The ONNX model");
        var info = OnnxModelInfo.From(model);
        bool batched = options.MaxBatchSize > 0;
        var config = new ModelConfig { Name = name, Backend = "onnxruntime", MaxBatchSize = options.MaxBatchSize };
        IReadOnlyList<string> stateInputs = [];
        TritonModelKind kind;
        if (TritonStepGraph.Plan(info).Count == 0)
        {
            kind = TritonModelKind.Sequence;
            foreach (var input in TritonTensor.Inputs(model.Graph)) config.Input.Add(Input(input, batched));
            foreach (var output in TritonTensor.Outputs(model.Graph)) config.Output.Add(Output(output, batched));
            if (batched) config.DynamicBatching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = (ulong)Math.Max(0, options.MaxQueueDelayMicroseconds) };
        }
        else
        {
            kind = TritonModelKind.Step;
            if (!batched) throw new ArgumentException("A step model needs --max-batch ≥ 1: Triton's implicit state is stacked along the batch dimension.", nameof(options));
            var (rewritten, states) = TritonStepGraph.Rewrite(model, info);
            model = rewritten;
            var stateIn = states.Select(s => s.Input).ToHashSet(StringComparer.Ordinal);
            var stateOut = states.Select(s => s.Output).ToHashSet(StringComparer.Ordinal);
            var inputs = TritonTensor.Inputs(model.Graph);
            var outputs = TritonTensor.Outputs(model.Graph);
            foreach (var input in inputs.Where(i => !stateIn.Contains(i.Name) && i.Name != StartInput)) config.Input.Add(Input(input, true));
            foreach (var output in outputs.Where(o => !stateOut.Contains(o.Name))) config.Output.Add(Output(output, true));
            var sequence = new ModelSequenceBatching
            {
                MaxSequenceIdleMicroseconds = (ulong)Math.Max(0, options.SequenceIdleTimeout.Ticks / 10),
                Direct = new ModelSequenceBatching.Types.StrategyDirect(),
            };
            var start = new ModelSequenceBatching.Types.Control { Kind = ModelSequenceBatching.Types.Control.Types.Kind.ControlSequenceStart };
            start.Fp32FalseTrue.Add([0f, 1f]);
            sequence.ControlInput.Add(new ModelSequenceBatching.Types.ControlInput { Name = StartInput, Control = { start } });
            foreach (var s in states)
            {
                var tensor = inputs.Single(i => i.Name == s.Input);
                var dims = tensor.Dims[1..];
                var state = new ModelSequenceBatching.Types.State { InputName = s.Input, OutputName = s.Output, DataType = tensor.DataType, Dims = { dims } };
                state.InitialState.Add(new ModelSequenceBatching.Types.InitialState
                {
                    DataType = tensor.DataType,
                    Dims = { dims },
                    ZeroData = true,
                    Name = s.Input.Replace("state_in_", "zero_", StringComparison.Ordinal),
                });
                sequence.State.Add(state);
            }
            config.SequenceBatching = sequence;
            stateInputs = states.Select(s => s.Input).Order(StringComparer.Ordinal).ToList();
        }
        foreach (var entry in model.MetadataProps.Where(p => p.Key.StartsWith(ParameterPrefix, StringComparison.Ordinal)))
            config.Parameters[entry.Key] = new ModelParameter { StringValue = entry.Value };

        var problems = TritonConfigCheck.Problems(config, model.Graph);
        if (problems.Count > 0)
            throw new ModelFileException($"The model cannot be served by Triton's ONNX Runtime backend: {string.Join("; ", problems)}.");
        return new TritonModel(name, kind, model.ToByteArray(), config, stateInputs);
    }

    /// <summary>Writes the model into <c>REPOSITORY/NAME</c> as one unit (see <see cref="Write"/>).</summary>
    /// <param name="onnx">The ONNX model's bytes.</param>
    /// <param name="repository">The repository folder (created if missing).</param>
    /// <param name="options">Name and batching; the name is required here.</param>
    public static TritonExportResult Export(byte[] onnx, string repository, TritonExportOptions? options = null)
    {
        options ??= new TritonExportOptions();
        var model = Build(onnx, options.Name ?? throw new ArgumentException("The model needs a name.", nameof(options)), options);
        return Write(model, repository);
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <c>REPOSITORY/NAME</c>: version 1, or the next version when the model exists
    /// (its earlier versions are kept; <c>config.pbtxt</c> is replaced by this model's). The whole model folder is built
    /// in a temporary folder beside it (<c>REPOSITORY/.NAME.tmp-…</c>) and renamed into place, so Triton never sees it
    /// half written and a failure leaves the repository as it was. Replacing an existing folder takes two renames (old
    /// folder aside, new folder in); between them, for microseconds, the model folder is absent.
    /// </summary>
    /// <exception cref="IOException">The repository cannot be written.</exception>
    public static TritonExportResult Write(TritonModel model, string repository)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        repository = Path.GetFullPath(repository);
        if (File.Exists(repository)) throw new IOException($"'{repository}' is a file, not a model repository folder.");
        Directory.CreateDirectory(repository);
        string target = Path.Combine(repository, model.Name);
        string unique = Guid.NewGuid().ToString("N")[..12];
        string temp = Path.Combine(repository, $".{model.Name}.tmp-{unique}");
        bool exists = Directory.Exists(target);
        long version = exists ? NextVersion(target) : 1;
        try
        {
            if (exists) CopyTree(target, temp);
            else Directory.CreateDirectory(temp);
            string versionDir = Path.Combine(temp, version.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(versionDir);
            WriteDurably(Path.Combine(versionDir, ModelFileName), model.Onnx);
            WriteDurably(Path.Combine(temp, ConfigFileName), System.Text.Encoding.UTF8.GetBytes(model.ConfigText));
            if (!exists)
            {
                Directory.Move(temp, target);
            }
            else
            {
                string old = Path.Combine(repository, $".{model.Name}.old-{unique}");
                Directory.Move(target, old);
                try { Directory.Move(temp, target); }
                catch
                {
                    Directory.Move(old, target);
                    throw;
                }
                TryDelete(old);
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        return new TritonExportResult(model, target, version);
    }

    /// <summary>Numeric version folders as Triton reads them (digits, not starting with 0); the next is one above the highest.</summary>
    private static long NextVersion(string modelDir)
    {
        long highest = 0;
        foreach (var dir in Directory.EnumerateDirectories(modelDir))
        {
            string name = Path.GetFileName(dir);
            if (VersionPattern().IsMatch(name) && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long v)) highest = Math.Max(highest, v);
        }
        return highest + 1;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from)) CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a leftover temporary folder is harmless */ }
    }

    /// <summary>Checks a model name: a folder name Triton accepts and a shell does not mangle.</summary>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    public static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
            throw new ArgumentException($"Model name '{name}' is not valid: use letters, digits, '_', '-' and '.', starting with a letter, digit or '_'.", nameof(name));
    }

    private static ModelInput Input(TritonTensor tensor, bool batched)
    {
        var input = new ModelInput { Name = tensor.Name, DataType = tensor.DataType };
        var dims = Dims(tensor, batched);
        if (dims.Length == 0)
        {
            // A [batch] graph input: Triton needs at least one dim, so [1] reshaped to a scalar per row.
            input.Dims.Add(1);
            input.Reshape = new ModelTensorReshape();
        }
        else input.Dims.Add(dims);
        return input;
    }

    private static ModelOutput Output(TritonTensor tensor, bool batched)
    {
        var output = new ModelOutput { Name = tensor.Name, DataType = tensor.DataType };
        var dims = Dims(tensor, batched);
        if (dims.Length == 0)
        {
            output.Dims.Add(1);
            output.Reshape = new ModelTensorReshape();
        }
        else output.Dims.Add(dims);
        return output;
    }

    private static long[] Dims(TritonTensor tensor, bool batched)
    {
        if (!batched) return tensor.Dims;
        if (tensor.Dims.Length == 0 || tensor.Dims[0] != -1)
            throw new ModelFileException($"Graph value '{tensor.Name}' has no dynamic batch dimension first; export with --max-batch 0 to serve it without batching.");
        return tensor.Dims[1..];
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[1-9][0-9]*$")]
    private static partial Regex VersionPattern();
}
