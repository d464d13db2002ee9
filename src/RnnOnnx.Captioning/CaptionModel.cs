using Microsoft.ML.OnnxRuntime;
using RnnOnnx.Onnx;
using RnnOnnx.Runtime;

namespace RnnOnnx.Captioning;

/// <summary>
/// A captioner exported by <see cref="CaptionTrainingResult.Save"/>, run on ONNX Runtime: the encoder turns a batch
/// of images into the decoder's initial states in one call, then each decoding step is one call of the decoder step
/// model for every live hypothesis of every image (greedy or beam search). Thread-safe; dispose it to free the sessions.
/// </summary>
public sealed class CaptionModel : IDisposable
{
    /// <summary>The <c>rnnonnx.task</c> of both files.</summary>
    public const ModelTask Task = ModelTask.Caption;

    private const string Input = "input";
    private readonly InferenceSession _encoder, _decoder;
    private readonly StepGraph _decoderGraph;
    private readonly string[] _stateInputs;
    private readonly CaptionModelConfig _config;
    // Never changed after creation, so one instance serves every concurrent encoder run.
    private readonly RunOptions _runOptions = new();

    private CaptionModel(InferenceSession encoder, InferenceSession decoder, CaptionModelConfig config, string decoderPath)
    {
        _encoder = encoder;
        _decoder = decoder;
        _config = config;
        _decoderGraph = StepSession.ContractOf(decoder);
        // The encoder's outputs are the decoder's initial states, named as the decoder's state inputs.
        _stateInputs = _decoderGraph.States.Select(s => s.InputName).ToArray();
        var missing = _stateInputs.Where(s => !encoder.OutputMetadata.ContainsKey(s)).ToList();
        if (missing.Count > 0) throw new ModelFileException($"The encoder of '{decoderPath}' does not produce the decoder's state input(s) {string.Join(", ", missing)}.");
        DecoderPath = decoderPath;
        try
        {
            using var probe = new StepSession(decoder, _decoderGraph, rows: 0);
            if (probe.OutputWidth != config.Vocabulary.Count)
                throw new ModelFileException($"'{decoderPath}' outputs {probe.OutputWidth} scores per step but its vocabulary has {config.Vocabulary.Count} words.");
        }
        catch (ModelConfigurationException e)
        {
            throw new ModelFileException($"'{decoderPath}' is not a decoder step model: {e.Message}", e);
        }
    }

    /// <summary>The decoder step model's file.</summary>
    public string DecoderPath { get; }

    /// <summary>The words the model writes.</summary>
    public CaptionVocabulary Vocabulary => _config.Vocabulary;

    /// <summary>What the encoder reads: pixels through its own CNN, or feature vectors from another image model.</summary>
    public CaptionEncoder Encoder => _config.Encoder;

    /// <summary>Image height a pixel encoder takes (0 for a feature encoder).</summary>
    public int ImageHeight => Encoder == CaptionEncoder.Convolutional ? _config.InputShape[1] : 0;

    /// <summary>Image width a pixel encoder takes (0 for a feature encoder).</summary>
    public int ImageWidth => Encoder == CaptionEncoder.Convolutional ? _config.InputShape[2] : 0;

    /// <summary>
    /// Values per image: 3 × height × width channels-first raw 0..255 pixels (ML.NET's ExtractPixels layout) for a
    /// pixel encoder, or the feature vector's length.
    /// </summary>
    public int InputLength => _config.InputLength;

    /// <summary>What the model takes per image, in words (for messages).</summary>
    public string DescribeInput() => _config.DescribeInput();

    /// <summary>Longest caption the model writes by default.</summary>
    public int MaxLength => _config.MaxLength;

    /// <summary>
    /// Opens a captioner from its decoder file, its encoder file (either names the other in its metadata), or the folder
    /// holding them (which must hold exactly one captioner). The two files must have been written together
    /// (<see cref="CaptionTrainingResult.Save"/>: same pair id, and the decoder names the encoder's SHA-256), and the
    /// file named in the metadata must lie inside the first file's folder (after resolving <c>..</c> and symbolic links).
    /// </summary>
    /// <exception cref="ModelFileException">A file is missing, not a captioner half, not the other half of this
    /// captioner (both files named), or named outside the model's folder (the message says which and why).</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was required and cannot start.</exception>
    public static CaptionModel Load(string path, ExecutionProvider? provider = null, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string file = Directory.Exists(path) ? FindInFolder(path) : path;
        if (!File.Exists(file)) throw new ModelFileException($"Captioning model '{file}' does not exist.");
        var first = Open(file, provider, warn);
        string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        InferenceSession? otherSession = null;
        try
        {
            bool isEncoder = first.Graph == "encoder";
            string otherName = isEncoder ? first.Config.DecoderFile : first.Config.EncoderFile;
            string otherFile = CaptionPair.ResolveInside(folder, otherName, file, isEncoder ? "decoder" : "encoder");
            if (!File.Exists(otherFile))
                throw new ModelFileException($"'{file}' is the {first.Graph} of a captioner whose other half '{otherFile}' is missing; keep both files in one folder.");
            var other = Open(otherFile, provider, warn);
            otherSession = other.Session;
            if (other.Graph == first.Graph) throw new ModelFileException($"'{file}' and '{otherFile}' are both {first.Graph} graphs.");
            var (encoder, decoder) = isEncoder ? (first, other) : (other, first);
            CaptionPair.Check(encoder.Pair, decoder.Pair);
            return new CaptionModel(encoder.Session, decoder.Session, first.Config, decoder.Pair.File);
        }
        catch
        {
            first.Session.Dispose();
            otherSession?.Dispose();
            throw;
        }
    }

    private static string FindInFolder(string folder)
    {
        var decoders = Directory.GetFiles(folder, "*.onnx").Where(f => !f.EndsWith(".encoder.onnx", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return decoders.Count switch
        {
            1 => decoders[0],
            0 => throw new ModelFileException($"Folder '{folder}' holds no captioning model (NAME.onnx with NAME.encoder.onnx)."),
            _ => throw new ModelFileException($"Folder '{folder}' holds {decoders.Count} models ({string.Join(", ", decoders.Select(Path.GetFileName))}); name the one to use."),
        };
    }

    private sealed record Opened(InferenceSession Session, CaptionModelConfig Config, string Graph, CaptionPair.Half Pair);

    private static Opened Open(string file, ExecutionProvider? provider, Action<string>? warn)
    {
        InferenceSession session;
        string sha256;
        try
        {
            var bytes = File.ReadAllBytes(file);
            sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            session = SessionFactory.Create(bytes, provider ?? ExecutionProvider.Cpu, intraOpThreads: 0, warn ?? (m => Console.Error.WriteLine(m)), out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException($"'{file}' is not a model ONNX Runtime can load: {e.Message.Trim()}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"'{file}' cannot be read: {e.Message}", e);
        }
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            if (!meta.TryGetValue(RnnOnnxMetadata.Task, out var task) || !ModelTasks.TryParse(task, out var parsed) || parsed != Task)
                throw new ModelFileException($"'{file}' is not a captioning model (rnnonnx.task is '{task ?? "missing"}', expected '{Task.ToMetadataName()}').");
            string graph = meta.GetValueOrDefault(RnnOnnxMetadata.Graph) ?? "";
            if (!RnnOnnxMetadata.TryParseGraph(graph, out var kind) || kind is not (OnnxGraphKind.Encoder or OnnxGraphKind.Step))
                throw new ModelFileException($"'{file}' is a '{graph}' graph; a captioner is an encoder and a step decoder.");
            var config = CaptionModelConfig.Parse(meta.GetValueOrDefault(RnnOnnxMetadata.Config) ?? "{}", $"'{file}'");
            var pair = new CaptionPair.Half(file, meta.GetValueOrDefault(RnnOnnxMetadata.Pair), meta.GetValueOrDefault(RnnOnnxMetadata.PairEncoderSha256), sha256);
            return new Opened(session, config, graph, pair);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Captions a batch of images.</summary>
    /// <param name="images"><see cref="InputLength"/> values per image: channels-first raw pixels (0..255) of
    /// <see cref="ImageWidth"/>×<see cref="ImageHeight"/> RGB images (ML.NET's LoadImages → ResizeImages → ExtractPixels
    /// output), or feature vectors for a feature encoder.</param>
    /// <param name="options">Greedy (default) or beam search.</param>
    /// <exception cref="DataException">An image has the wrong number of values or non-finite values (named by index).</exception>
    public IReadOnlyList<string> Caption(IReadOnlyList<float[]> images, CaptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        options ??= new CaptionOptions();
        options.Validate();
        if (images.Count == 0) return [];
        int n = images.Count, pixels = InputLength;
        var batch = new float[n * pixels];
        for (int i = 0; i < n; i++)
        {
            var image = images[i] ?? throw new DataException($"Image {i} is missing.");
            if (image.Length != pixels)
                throw new DataException($"Image {i} has {image.Length} values; the captioner takes {DescribeInput()}.");
            int bad = Array.FindIndex(image, v => !float.IsFinite(v));
            if (bad >= 0) throw new DataException($"Image {i} has the non-finite value {image[bad]} at index {bad}.");
            image.CopyTo(batch, i * pixels);
        }
        // Row i of the step session starts from image i's encoder states; each search step regroups the rows by parent.
        using var steps = new StepSession(_decoder, _decoderGraph, n);
        EncodeStates(batch, n, steps);
        var search = new BeamSearch(options, CaptionVocabulary.EndId, options.MaxLength ?? MaxLength);
        var tokens = search.Run(n, CaptionVocabulary.BeginId, rows => Step(rows, steps));
        return tokens.Select(Vocabulary.Decode).ToArray();
    }

    /// <summary>Runs the encoder on the images and sets each image's row of <paramref name="steps"/> to its states.</summary>
    private void EncodeStates(float[] pixels, int n, StepSession steps)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [n, .. _config.InputShape]);
        using var results = _encoder.Run(_runOptions, [Input], [input], _stateInputs);
        for (int s = 0; s < _stateInputs.Length; s++)
        {
            var states = results[s].GetTensorDataAsSpan<float>();
            int w = steps.State(0, s).Length;
            for (int i = 0; i < n; i++) states.Slice(i * w, w).CopyTo(steps.State(i, s));
        }
    }

    /// <summary>One decoder step for rows of (token, parent row): parent ≥ 0 is a row of the previous step, −1 − i image i's encoder states (row i before the first step).</summary>
    private float[][] Step(IReadOnlyList<(int Token, int ParentRow)> rows, StepSession steps)
    {
        int r = rows.Count;
        var sources = new int[r];
        var ids = new long[r];
        for (int i = 0; i < r; i++)
        {
            int parent = rows[i].ParentRow;
            sources[i] = parent >= 0 ? parent : -1 - parent;
            ids[i] = rows[i].Token;
        }
        steps.Gather(sources);
        steps.Run(ids, 1);
        int v = Vocabulary.Count;
        // The step model gives logits; the search ranks by probability.
        var probabilities = new float[r][];
        for (int i = 0; i < r; i++)
        {
            probabilities[i] = new float[v];
            System.Numerics.Tensors.TensorPrimitives.SoftMax(steps.LastStep(i), probabilities[i]);
        }
        return probabilities;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
    }
}
