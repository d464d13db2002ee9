using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnOnnx.Runtime;

namespace RnnOnnx.Text;

/// <summary>
/// Generates text from a character language model exported as a step graph (<c>rnnonnx.task</c> = generate): a prompt
/// goes through in one call, then each new character costs one step of the graph on ONNX Runtime, with the recurrent
/// state carried between calls (O(1) per character, never a re-run of the text so far). Several prompts are continued
/// together: one call per distinct prompt length, then one call per generated character for all of them.
/// </summary>
/// <remarks>The generator shares one ONNX Runtime session, whose <c>Run</c> is thread-safe, so any number of threads may generate at once.</remarks>
public sealed class TextGenerator : IDisposable
{
    private const string Input = "input";
    private const string Output = "output";
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int[] _stateWidths;

    private TextGenerator(InferenceSession session, CharVocabulary vocabulary)
    {
        _session = session;
        Vocabulary = vocabulary;
        var stateInputs = session.InputMetadata.Keys.Where(k => k != Input).Order(StringComparer.Ordinal).ToArray();
        _inputNames = [Input, .. stateInputs];
        _outputNames = [Output, .. stateInputs.Select(k => k.Replace("_in_", "_out_", StringComparison.Ordinal))];
        _stateWidths = stateInputs.Select(k => session.InputMetadata[k].Dimensions[^1]).ToArray();
    }

    /// <summary>The model's characters.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>Opens a text-generation step model.</summary>
    /// <exception cref="ModelFileException">The file is not an ONNX model, not a generate-task step model, or has no vocabulary.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was required and cannot start.</exception>
    public static TextGenerator Load(string path, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Load(File.ReadAllBytes(path), $"'{path}'", provider ?? ExecutionProvider.Cpu, intraOpThreads: 1, warn ?? (m => Console.Error.WriteLine(m)));
    }

    /// <summary>Opens a step model from its bytes; <paramref name="source"/> names it in error messages.</summary>
    /// <param name="model">The step model's bytes.</param>
    /// <param name="source">Names the model in error messages.</param>
    /// <param name="provider">Where ONNX Runtime runs.</param>
    /// <param name="intraOpThreads">ONNX Runtime's threads per call.</param>
    /// <param name="warn">Where load warnings go.</param>
    public static TextGenerator Load(byte[] model, string source, ExecutionProvider provider, int intraOpThreads, Action<string> warn)
    {
        InferenceSession session;
        try
        {
            session = SessionFactory.Create(model, provider, intraOpThreads, warn, out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException($"{source} is not a model ONNX Runtime can load: {e.Message.Trim()}", e);
        }
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            if (!meta.TryGetValue("rnnonnx.task", out var task) || task != "generate")
                throw new ModelFileException($"{source} is not a text-generation model (rnnonnx.task is '{task ?? "missing"}', expected 'generate'); make one with `rnnonnx train`.");
            if (!meta.TryGetValue("rnnonnx.graph", out var graph) || graph != "step")
                throw new ModelFileException($"{source} is a {graph ?? "unknown"} graph; generation needs the step graph (state inputs and outputs) that `rnnonnx train` exports.");
            if (!session.InputMetadata.ContainsKey(Input) || session.InputMetadata[Input].ElementDataType != TensorElementType.Int64)
                throw new ModelFileException($"{source} has no int64 token input '{Input}'.");
            var vocabulary = CharVocabulary.FromConfigJson(meta.GetValueOrDefault("rnnonnx.config") ?? "{}");
            return new TextGenerator(session, vocabulary);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Feeds <paramref name="prompt"/> and then samples <paramref name="length"/> characters, passing each to
    /// <paramref name="onText"/> as soon as it is chosen. An empty prompt starts from a line break when the vocabulary
    /// has one (the start of a line is the most neutral context a text offers), else from the first character.
    /// </summary>
    /// <returns>The generated characters (without the prompt).</returns>
    /// <exception cref="DataException">The prompt has characters outside the vocabulary (named in the message).</exception>
    public string Generate(string prompt, int length, SamplingOptions options, Action<string>? onText = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Continue([PromptIds(prompt)], length, options, onText)[0];
    }

    /// <summary>
    /// Continues every prompt by <paramref name="length"/> characters in one batch. Each prompt gets its own sampler
    /// seeded with <see cref="SamplingOptions.Seed"/>, so its continuation is exactly what
    /// <see cref="Generate(string, int, SamplingOptions, Action{string}?)"/> makes of it alone, whatever the other prompts are.
    /// </summary>
    /// <exception cref="DataException">A prompt has characters outside the vocabulary (the message names the prompt's index and the characters).</exception>
    public IReadOnlyList<string> Generate(IReadOnlyList<string> prompts, int length, SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var ids = new int[prompts.Count][];
        for (int i = 0; i < ids.Length; i++)
        {
            try { ids[i] = PromptIds(prompts[i] ?? throw new ArgumentException($"Prompt {i} is null.", nameof(prompts))); }
            catch (DataException e) { throw new DataException($"Prompt {i}: {e.Message}"); }
        }
        return Continue(ids, length, options);
    }

    /// <summary>The ids a prompt feeds the model (see <see cref="Generate(string, int, SamplingOptions, Action{string}?)"/> for the empty prompt).</summary>
    /// <exception cref="DataException">The prompt has characters outside the vocabulary.</exception>
    /// <param name="prompt">The prompt.</param>
    public int[] PromptIds(string prompt) =>
        prompt.Length > 0 ? Vocabulary.Encode(prompt) : [Vocabulary.Contains(new Rune('\n')) ? Vocabulary.Encode("\n")[0] : 0];

    /// <summary>
    /// Continues the encoded prompts together: prompts of one length go through in one call from zero state, then every
    /// step is one call for all rows. <paramref name="onFirstRowText"/> streams row 0's characters.
    /// </summary>
    /// <param name="prompts">Encoded prompts (<see cref="PromptIds"/>).</param>
    /// <param name="length">Characters generated per prompt.</param>
    /// <param name="options">Temperature, top-k, top-p and seed; every row's sampler starts from the seed.</param>
    /// <param name="onFirstRowText">Receives row 0's characters as they are sampled.</param>
    public string[] Continue(IReadOnlyList<int[]> prompts, int length, SamplingOptions options, Action<string>? onFirstRowText = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int rows = prompts.Count;
        if (rows == 0) return [];
        int classes = Vocabulary.Count;
        var states = _stateWidths.Select(w => new float[rows * w]).ToArray();
        var logits = new float[rows * classes];
        foreach (var group in Enumerable.Range(0, rows).GroupBy(r => prompts[r].Length))
        {
            int[] members = [.. group];
            int steps = group.Key;
            var ids = new long[members.Length * steps];
            for (int m = 0; m < members.Length; m++)
                for (int t = 0; t < steps; t++) ids[m * steps + t] = prompts[members[m]][t];
            var groupStates = _stateWidths.Select(w => new float[members.Length * w]).ToArray();
            var groupLogits = new float[members.Length * classes];
            Run(ids, members.Length, steps, groupStates, groupLogits);
            for (int m = 0; m < members.Length; m++)
            {
                int r = members[m];
                groupLogits.AsSpan(m * classes, classes).CopyTo(logits.AsSpan(r * classes));
                for (int s = 0; s < states.Length; s++)
                    groupStates[s].AsSpan(m * _stateWidths[s], _stateWidths[s]).CopyTo(states[s].AsSpan(r * _stateWidths[s]));
            }
        }

        var samplers = new CharSampler[rows];
        var texts = new StringBuilder[rows];
        for (int r = 0; r < rows; r++) (samplers[r], texts[r]) = (new CharSampler(options), new StringBuilder(length));
        var next = new long[rows];
        for (int i = 0; i < length; i++)
        {
            for (int r = 0; r < rows; r++)
            {
                int id = samplers[r].Next(logits.AsSpan(r * classes, classes));
                next[r] = id;
                string c = Vocabulary.Decode(id);
                texts[r].Append(c);
                if (r == 0) onFirstRowText?.Invoke(c);
            }
            if (i + 1 < length) Run(next, rows, 1, states, logits);
        }
        return texts.Select(t => t.ToString()).ToArray();
    }

    /// <summary>
    /// One call: <paramref name="ids"/> [rows, steps] from <paramref name="states"/> (each [rows, width], updated in
    /// place); each row's last-step logits go to <paramref name="lastLogits"/> [rows, classes].
    /// </summary>
    private void Run(long[] ids, int rows, int steps, float[][] states, float[] lastLogits)
    {
        int classes = Vocabulary.Count;
        var inputs = new OrtValue[_inputNames.Length];
        try
        {
            inputs[0] = OrtValue.CreateTensorValueFromMemory(ids, [rows, steps]);
            for (int s = 0; s < states.Length; s++) inputs[s + 1] = OrtValue.CreateTensorValueFromMemory(states[s], [rows, _stateWidths[s]]);
            using var runOptions = new RunOptions();
            using var results = _session.Run(runOptions, _inputNames, inputs, _outputNames);
            var output = results[0].GetTensorDataAsSpan<float>();
            if (output.Length != rows * steps * classes)
                throw new ModelFileException($"The model outputs {output.Length / (rows * steps)} scores per step but its vocabulary has {classes} characters.");
            for (int r = 0; r < rows; r++) output.Slice((r * steps + steps - 1) * classes, classes).CopyTo(lastLogits.AsSpan(r * classes));
            for (int s = 0; s < states.Length; s++) results[s + 1].GetTensorDataAsSpan<float>().CopyTo(states[s]);
        }
        finally
        {
            foreach (var input in inputs) input?.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
