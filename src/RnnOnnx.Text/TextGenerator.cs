using System.Text;
using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Onnx;
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
    private readonly InferenceSession _session;
    private readonly StepGraph _graph;

    private TextGenerator(InferenceSession session, StepGraph graph, CharVocabulary vocabulary)
    {
        _session = session;
        _graph = graph;
        Vocabulary = vocabulary;
    }

    /// <summary>The model's characters.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>Opens a text-generation step model.</summary>
    /// <exception cref="ModelFileException">The file is not an ONNX model, not a generate-task step model, or has no vocabulary.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was required and cannot start.</exception>
    public static TextGenerator Load(string path, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Load(Serialization.InputFile.ReadAllBytes(path), $"'{path}'", provider ?? ExecutionProvider.Cpu, intraOpThreads: 1, warn ?? (m => Console.Error.WriteLine(m)));
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
        session = SessionFactory.Create(model, source, provider, intraOpThreads, warn, out _);
        try
        {
            var contract = StepSession.ContractOf(session);
            if (contract.Task != ModelTask.Generate)
                throw new ModelFileException($"{source} is not a text-generation model (rnnonnx.task is '{(contract.TaskName.Length > 0 ? contract.TaskName : "missing")}', expected '{ModelTask.Generate.ToMetadataName()}'); make one with `rnnonnx train`.");
            if (contract.Kind != OnnxGraphKind.Step)
                throw new ModelFileException($"{source} is a {contract.Metadata.GetValueOrDefault(RnnOnnxMetadata.Graph) ?? "unknown"} graph; generation needs the step graph (state inputs and outputs) that `rnnonnx train` exports.");
            if (contract.DataInput(Input) is not { ElementType: "int64" })
                throw new ModelFileException($"{source} has no int64 token input '{Input}'.");
            var vocabulary = CharVocabulary.FromConfigJson(contract.Config);
            try
            {
                using var probe = new StepSession(session, contract, rows: 0);
                if (probe.OutputWidth != vocabulary.Count)
                    throw new ModelFileException($"{source} outputs {probe.OutputWidth} scores per step but its vocabulary has {vocabulary.Count} characters.");
            }
            catch (ModelConfigurationException e)
            {
                throw new ModelFileException($"{source} is not a step model generation can run: {e.Message}", e);
            }
            return new TextGenerator(session, contract, vocabulary);
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
    /// <param name="keepText">
    /// False: nothing is kept, the texts returned are empty, and memory does not grow with <paramref name="length"/> —
    /// for streaming row 0 through <paramref name="onFirstRowText"/> however long it runs.
    /// </param>
    public string[] Continue(IReadOnlyList<int[]> prompts, int length, SamplingOptions options, Action<string>? onFirstRowText = null, bool keepText = true)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int rows = prompts.Count;
        if (rows == 0) return [];
        int classes = Vocabulary.Count;
        using var steps = new StepSession(_session, _graph, rows);
        var logits = new float[rows * classes];
        var groups = Enumerable.Range(0, rows).GroupBy(r => prompts[r].Length).ToList();
        if (groups.Count == 1)
        {
            // One prompt length: the prompts go through in the session that then generates.
            int length0 = groups[0].Key;
            var ids = new long[rows * length0];
            for (int r = 0; r < rows; r++)
                for (int t = 0; t < length0; t++) ids[r * length0 + t] = prompts[r][t];
            steps.Run(ids, length0);
            for (int r = 0; r < rows; r++) steps.LastStep(r).CopyTo(logits.AsSpan(r * classes));
        }
        else
        {
            // One call per prompt length from zero states; each row's state then moves to its row of the generating session.
            var state = new float[steps.StateWidth];
            foreach (var group in groups)
            {
                int[] members = [.. group];
                int length0 = group.Key;
                var ids = new long[members.Length * length0];
                for (int m = 0; m < members.Length; m++)
                    for (int t = 0; t < length0; t++) ids[m * length0 + t] = prompts[members[m]][t];
                using var prompt = new StepSession(_session, _graph, members.Length);
                prompt.Run(ids, length0);
                for (int m = 0; m < members.Length; m++)
                {
                    prompt.LastStep(m).CopyTo(logits.AsSpan(members[m] * classes));
                    prompt.GetState(m, state);
                    steps.SetState(members[m], state);
                }
            }
        }

        var samplers = new CharSampler[rows];
        var texts = new StringBuilder[rows];
        for (int r = 0; r < rows; r++) (samplers[r], texts[r]) = (new CharSampler(options), new StringBuilder(keepText ? Math.Min(length, 1 << 16) : 0));
        var next = new long[rows];
        for (int i = 0; i < length; i++)
        {
            for (int r = 0; r < rows; r++)
            {
                int id = samplers[r].Next(logits.AsSpan(r * classes, classes));
                next[r] = id;
                string c = Vocabulary.Decode(id);
                if (keepText) texts[r].Append(c);
                if (r == 0) onFirstRowText?.Invoke(c);
            }
            if (i + 1 < length)
            {
                steps.Run(next, 1);
                for (int r = 0; r < rows; r++) steps.LastStep(r).CopyTo(logits.AsSpan(r * classes));
            }
        }
        return texts.Select(t => t.ToString()).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
