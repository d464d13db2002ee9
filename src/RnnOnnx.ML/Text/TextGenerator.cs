using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RnnOnnx.ML.Text;

/// <summary>
/// Generates text from a character language model exported as a step graph (<c>rnnonnx.task</c> = generate): the
/// prompt goes through in one call, then each new character costs one step of the graph on ONNX Runtime, with the
/// recurrent state carried between calls (O(1) per character, never a re-run of the text so far).
/// </summary>
public sealed class TextGenerator : IDisposable
{
    private const string Input = "input";
    private const string Output = "output";
    private readonly InferenceSession _session;
    private readonly string[] _stateInputs;
    private readonly string[] _stateOutputs;
    private readonly int[] _stateWidths;

    private TextGenerator(InferenceSession session, CharVocabulary vocabulary)
    {
        _session = session;
        Vocabulary = vocabulary;
        _stateInputs = session.InputMetadata.Keys.Where(k => k != Input).Order(StringComparer.Ordinal).ToArray();
        _stateOutputs = _stateInputs.Select(k => k.Replace("_in_", "_out_", StringComparison.Ordinal)).ToArray();
        _stateWidths = _stateInputs.Select(k => session.InputMetadata[k].Dimensions[^1]).ToArray();
    }

    /// <summary>The model's characters.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>Opens a text-generation step model.</summary>
    /// <exception cref="ModelFileException">The file is not an ONNX model, not a generate-task step model, or has no vocabulary.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was required and cannot start.</exception>
    public static TextGenerator Load(string path, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        InferenceSession session;
        try
        {
            session = SessionFactory.Create(bytes, provider ?? ExecutionProvider.Cpu, intraOpThreads: 1, warn ?? (m => Console.Error.WriteLine(m)), out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException($"'{path}' is not a model ONNX Runtime can load: {e.Message.Trim()}", e);
        }
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            if (!meta.TryGetValue("rnnonnx.task", out var task) || task != "generate")
                throw new ModelFileException($"'{path}' is not a text-generation model (rnnonnx.task is '{task ?? "missing"}', expected 'generate'); make one with `rnnonnx train`.");
            if (!meta.TryGetValue("rnnonnx.graph", out var graph) || graph != "step")
                throw new ModelFileException($"'{path}' is a {graph ?? "unknown"} graph; generation needs the step graph (state inputs and outputs) that `rnnonnx train` exports.");
            if (!session.InputMetadata.ContainsKey(Input) || session.InputMetadata[Input].ElementDataType != TensorElementType.Int64)
                throw new ModelFileException($"'{path}' has no int64 token input '{Input}'.");
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
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var sampler = new CharSampler(options);
        int[] ids = prompt.Length > 0 ? Vocabulary.Encode(prompt)
            : [Vocabulary.Contains(new Rune('\n')) ? Vocabulary.Encode("\n")[0] : 0];
        var states = _stateWidths.Select(w => new float[w]).ToArray();
        var logits = Run(ids, states);
        var text = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int next = sampler.Next(logits);
            string c = Vocabulary.Decode(next);
            text.Append(c);
            onText?.Invoke(c);
            if (i + 1 < length) logits = Run([next], states);
        }
        return text.ToString();
    }

    /// <summary>Runs the ids from <paramref name="states"/> (updated in place) and returns the last step's logits.</summary>
    private float[] Run(int[] ids, float[][] states)
    {
        var inputs = new List<NamedOnnxValue>(1 + states.Length)
        {
            NamedOnnxValue.CreateFromTensor(Input, new DenseTensor<long>(ids.Select(i => (long)i).ToArray(), [1, ids.Length])),
        };
        for (int i = 0; i < _stateInputs.Length; i++)
            inputs.Add(NamedOnnxValue.CreateFromTensor(_stateInputs[i], new DenseTensor<float>(states[i], [1, _stateWidths[i]])));
        using var results = _session.Run(inputs, [Output, .. _stateOutputs]);
        var output = results[0].AsTensor<float>();
        int classes = Vocabulary.Count;
        var all = output.ToArray();
        if (all.Length != ids.Length * classes)
            throw new ModelFileException($"The model outputs {all.Length / Math.Max(1, ids.Length)} scores per step but its vocabulary has {classes} characters.");
        for (int i = 0; i < _stateInputs.Length; i++) states[i] = results[i + 1].AsTensor<float>().ToArray();
        return all.AsSpan(all.Length - classes).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
