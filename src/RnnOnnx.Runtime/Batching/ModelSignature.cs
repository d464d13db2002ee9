using System.Globalization;
using RnnOnnx.Onnx;

namespace RnnOnnx.Runtime.Batching;

/// <summary>
/// What each input and output of a recurrent ONNX model is for — the sequence, its lengths, the states, the output
/// to read — resolved once from the model's declaration and the options, with an error naming the model's actual
/// signature when they do not fit.
/// </summary>
public sealed class ModelSignature
{
    private const string DefaultInput = "input", DefaultOutput = "output", DefaultLengths = "sequence_lens";

    private ModelSignature() { }

    /// <summary>Sequence input: [batch, time, features] floats or [batch, time] ids (time-major when <see cref="TimeMajor"/>).</summary>
    public string InputName { get; private init; } = "";

    /// <summary>Element type of the sequence input.</summary>
    public TensorElement InputElement { get; private init; }

    /// <summary>True for [batch, time] token ids, false for [batch, time, features] floats.</summary>
    public bool TakesIds { get; private init; }

    /// <summary>Values per step: the feature width, 1 for ids.</summary>
    public int Features { get; private init; }

    /// <summary>Time dimension when the model fixes it.</summary>
    public int? FixedTime { get; private init; }

    /// <summary>Batch dimension when the model fixes it (models exported for batch 1, for instance).</summary>
    public int? FixedBatch { get; private init; }

    /// <summary>True when the model takes [time, batch, ...] sequences.</summary>
    public bool TimeMajor { get; private init; }

    /// <summary>Sequence-lengths input ([batch] int32 or int64), if the model has one.</summary>
    public string? LengthsName { get; private init; }

    /// <summary>Element type of the sequence-lengths input.</summary>
    public TensorElement LengthsElement { get; private init; }

    /// <summary>The recurrent states the model takes and returns, in the model's order, with their offsets in a stream's carried state.</summary>
    public IReadOnlyList<StateSlot> States { get; private init; } = [];

    /// <summary>Sum of the states' widths: the size of one stream's carried state.</summary>
    public int StateWidth { get; private init; }

    /// <summary>Output read for <see cref="RecurrentOutputKind.LastStep"/> and <see cref="RecurrentOutputKind.Sequence"/>.</summary>
    public string OutputName { get; private init; } = "";

    /// <summary>True when the output is [batch, time, width], false for [batch, width].</summary>
    public bool OutputIsSequence { get; private init; }

    /// <summary>Output width when the model declares it.</summary>
    public int? OutputWidth { get; private init; }

    /// <summary>What is read for each row.</summary>
    public RecurrentOutputKind Kind { get; private init; }

    /// <summary>Width of the output column per step (LastStep/Sequence) or in total (FinalState), when known.</summary>
    public int? ColumnWidth => Kind == RecurrentOutputKind.FinalState ? StateWidth : OutputWidth;

    /// <summary>The model's inputs and outputs as one line, for error messages.</summary>
    public string Description { get; private init; } = "";

    /// <summary>Resolves the model's inputs and outputs against what the caller names (null: found by convention).</summary>
    /// <param name="model">The model's declared inputs, outputs and state pairs.</param>
    /// <param name="binding">Names and layout the caller asks for.</param>
    /// <exception cref="ModelConfigurationException">The binding does not fit the model; the message names the model's signature.</exception>
    public static ModelSignature Resolve(OnnxModelInfo model, SignatureBinding binding)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(binding);
        var options = binding;
        string description = Describe(model);
        ModelConfigurationException Fail(string problem) => new($"{problem} The model declares {description}.");

        var statePairs = model.StatePairs;
        var stateInputs = statePairs.Select(p => p.Input).ToHashSet(StringComparer.Ordinal);
        var stateOutputs = statePairs.Select(p => p.Output).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);

        // The sequence input.
        OnnxValueInfo input;
        if (options.InputName is { } named)
            input = inputs.GetValueOrDefault(named) ?? throw Fail($"ModelInputName '{named}' is not an input of the model.");
        else if (inputs.TryGetValue(DefaultInput, out var byDefault)) input = byDefault;
        else
        {
            var candidates = model.Inputs.Where(i => !stateInputs.Contains(i.Name) && i.Dimensions.Count >= 2).ToList();
            if (candidates.Count != 1)
                throw Fail("Cannot tell which input takes the sequence: set ModelInputName.");
            input = candidates[0];
        }
        bool timeMajor = options.TimeMajor;
        var inputElement = ElementOf(input) ?? throw Fail($"Input '{input.Name}' is {input.ElementType}; the sequence input must be float, int64 or int32.");
        bool ids = inputElement != TensorElement.Float32;
        int expectedRank = ids ? 2 : 3;
        if (input.Dimensions.Count != expectedRank)
            throw Fail(ids
                ? $"Input '{input.Name}' holds token ids and must be [batch, time]; it has rank {input.Dimensions.Count}."
                : $"Input '{input.Name}' must be [batch, time, features]; it has rank {input.Dimensions.Count}.");
        int batchAxis = timeMajor ? 1 : 0, timeAxis = timeMajor ? 0 : 1;
        int features = 1;
        if (!ids)
            features = Fixed(input.Dimensions[2]) ?? throw Fail($"Input '{input.Name}' has a symbolic feature dimension '{input.Dimensions[2]}'; the transformer needs it fixed.");
        int? fixedBatch = Fixed(input.Dimensions[batchAxis]);
        int? fixedTime = Fixed(input.Dimensions[timeAxis]);

        // States.
        var states = new List<StateSlot>();
        int offset = 0;
        foreach (var pair in statePairs)
        {
            var info = inputs[pair.Input];
            if (ElementOf(info) != TensorElement.Float32) throw Fail($"State input '{pair.Input}' must be float; it is {info.ElementType}.");
            int rank = info.Dimensions.Count;
            if (rank is not (2 or 3)) throw Fail($"State input '{pair.Input}' must be [batch, units] or [directions, batch, units]; it has rank {rank}.");
            int units = Fixed(info.Dimensions[^1]) ?? throw Fail($"State input '{pair.Input}' has a symbolic width '{info.Dimensions[^1]}'.");
            int leading = rank == 3 ? Fixed(info.Dimensions[0]) ?? throw Fail($"State input '{pair.Input}' has a symbolic leading dimension.") : 1;
            states.Add(new StateSlot(pair.Input, pair.Output, rank == 3, leading, units, offset));
            offset += leading * units;
        }

        // Sequence lengths.
        OnnxValueInfo? lengths = null;
        if (options.LengthsName is { } lengthsName)
            lengths = inputs.GetValueOrDefault(lengthsName) ?? throw Fail($"ModelSequenceLengthsName '{lengthsName}' is not an input of the model.");
        else if (inputs.TryGetValue(DefaultLengths, out var defaultLengths)) lengths = defaultLengths;
        else
        {
            var rest = model.Inputs.Where(i => i.Name != input.Name && !stateInputs.Contains(i.Name) && i.Dimensions.Count == 1 && ElementOf(i) is TensorElement.Int32 or TensorElement.Int64).ToList();
            if (rest.Count == 1) lengths = rest[0];
        }
        var lengthsElement = TensorElement.Int32;
        if (lengths is not null)
        {
            lengthsElement = ElementOf(lengths) is TensorElement.Int32 or TensorElement.Int64 && lengths.Dimensions.Count == 1
                ? ElementOf(lengths)!.Value
                : throw Fail($"Sequence-lengths input '{lengths.Name}' must be int32 or int64 [batch].");
        }

        var fed = new HashSet<string>(stateInputs, StringComparer.Ordinal) { input.Name };
        if (lengths is not null) fed.Add(lengths.Name);
        if (model.Inputs.FirstOrDefault(i => !fed.Contains(i.Name)) is { } unfed)
            throw Fail($"Model input '{unfed.Name}' is neither the sequence, its lengths nor a recurrent state, so nothing can feed it.");

        // The output.
        var kind = options.Output;
        if (kind == RecurrentOutputKind.FinalState && states.Count == 0)
            throw Fail("Output FinalState needs a model whose recurrent state is a graph output: export a step model (OnnxExportOptions.Kind = OnnxGraphKind.Step).");
        if (options.StateKey is not null && states.Count == 0)
            throw Fail($"KeyColumnName '{options.StateKey}' carries state from row to row, which needs a model whose recurrent state is an input and an output: export a step model (OnnxExportOptions.Kind = OnnxGraphKind.Step).");

        OnnxValueInfo? output = null;
        bool outputIsSequence = false;
        int? outputWidth = null;
        if (kind != RecurrentOutputKind.FinalState)
        {
            var outputs = model.Outputs.ToDictionary(o => o.Name, StringComparer.Ordinal);
            if (options.OutputName is { } outputName)
                output = outputs.GetValueOrDefault(outputName) ?? throw Fail($"ModelOutputName '{outputName}' is not an output of the model.");
            else if (outputs.TryGetValue(DefaultOutput, out var defaultOutput)) output = defaultOutput;
            else
            {
                var candidates = model.Outputs.Where(o => !stateOutputs.Contains(o.Name)).ToList();
                if (candidates.Count != 1) throw Fail("Cannot tell which output to read: set ModelOutputName.");
                output = candidates[0];
            }
            if (ElementOf(output) != TensorElement.Float32) throw Fail($"Output '{output.Name}' must be float; it is {output.ElementType}.");
            if (output.Dimensions.Count is not (2 or 3))
                throw Fail($"Output '{output.Name}' must be [batch, width] or [batch, time, width]; it has rank {output.Dimensions.Count}.");
            outputIsSequence = output.Dimensions.Count == 3;
            outputWidth = Fixed(output.Dimensions[^1]);
            if (kind == RecurrentOutputKind.Sequence && !outputIsSequence)
                throw Fail($"Output Sequence needs an output with a time axis; '{output.Name}' is [batch, width] (a model that returns only its last step).");
        }

        return new ModelSignature
        {
            InputName = input.Name,
            InputElement = inputElement,
            TakesIds = ids,
            Features = features,
            FixedTime = fixedTime,
            FixedBatch = fixedBatch,
            TimeMajor = timeMajor,
            LengthsName = lengths?.Name,
            LengthsElement = lengthsElement,
            States = states,
            StateWidth = offset,
            OutputName = output?.Name ?? "",
            OutputIsSequence = outputIsSequence,
            OutputWidth = outputWidth,
            Kind = kind,
            Description = description,
        };
    }

    private static int? Fixed(string dimension) =>
        int.TryParse(dimension, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : null;

    private static TensorElement? ElementOf(OnnxValueInfo value) => value.ElementType switch
    {
        "float" => TensorElement.Float32,
        "int64" => TensorElement.Int64,
        "int32" => TensorElement.Int32,
        _ => null,
    };

    private static string Describe(OnnxModelInfo model) =>
        $"inputs {string.Join(", ", model.Inputs)} and outputs {string.Join(", ", model.Outputs)}";
}
