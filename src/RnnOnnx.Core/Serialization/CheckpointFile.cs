using RnnOnnx.Layers;
using System.Text;
using System.Text.Json;
using RnnOnnx.Training;

namespace RnnOnnx.Serialization;

/// <summary>
/// A training checkpoint: the model's weights (its architecture is part of the fingerprint), the optimizer's slots, the best weights kept by
/// early stopping, and the loop state (epoch, batch, sample order, RNG, history), written atomically.
/// </summary>
internal static class CheckpointFile
{
    private const string Magic = "RNNONNX-CHECKPOINT/2\n";

    /// <summary>The best loss starts at +∞ (nothing seen yet); JSON has no infinity unless asked to spell it.</summary>
    private static readonly JsonSerializerOptions StateJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Save(string path, IReadOnlyList<Parameter> weights, TrainingState state, IReadOnlyList<float[]> optimizerSlots, IReadOnlyList<float[]>? bestWeights)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            ModelSerializer.WriteString(writer, JsonSerializer.Serialize(state, StateJson));
            ModelSerializer.WriteArrays(writer, weights.Select(p => p.Value).ToList());
            ModelSerializer.WriteArrays(writer, optimizerSlots);
            ModelSerializer.WriteArrays(writer, bestWeights ?? []);
        });
    }

    /// <summary>Loads a checkpoint into the weights of an already built model whose architecture must match.</summary>
    /// <remarks>
    /// <c>samples</c> (training samples of the resumed run: a saved sample order must be a permutation of them) and
    /// <c>batches</c> (its batches per epoch: the saved batch index must lie in [0, batches]) are checked when given (≥ 0).
    /// </remarks>
    public static TrainingState Load(string path, IReadOnlyList<Parameter> weights, IReadOnlyList<float[]> optimizerSlots, IReadOnlyList<float[]> bestWeights, string fingerprint,
        int samples = -1, int batches = -1)
    {
        string source = $"Checkpoint '{path}'";
        try
        {
            using var stream = Serialization.InputFile.OpenRead(path);
            using var reader = new BinaryReader(stream);
            ModelSerializer.ExpectMagic(reader, Magic, source, "an RnnOnnx checkpoint");
            var state = JsonSerializer.Deserialize<TrainingState>(ModelSerializer.ReadString(reader, source), StateJson)
                        ?? throw new ModelFileException($"{source} has no training state.");
            if (state.Fingerprint != fingerprint)
                throw new ModelFileException($"{source} was written by another training run (model, optimizer, loss or data differ): {Explain(state.Fingerprint, fingerprint)}.");
            Check(state, source, samples, batches);
            // Read everything into fresh arrays first: a truncated file must not leave model or optimizer half overwritten.
            var targets = weights.Select(p => p.Value).Concat(optimizerSlots).Concat(state.HasBestWeights ? bestWeights : []).ToList();
            var fresh = targets.Select(t => new float[t.Length]).ToList();
            int w = weights.Count, o = optimizerSlots.Count;
            ModelSerializer.ReadArraysInto(reader, fresh[..w], source, i => $"weight array {i} ({weights[i].Name})");
            ModelSerializer.ReadArraysInto(reader, fresh[w..(w + o)], source, i => $"optimizer state array {i}");
            ModelSerializer.ReadArraysInto(reader, fresh[(w + o)..], source, i => $"best-weights array {i}");
            for (int i = 0; i < fresh.Count; i++) fresh[i].CopyTo(targets[i], 0);
            return state;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException && e is not FileNotFoundException)
        {
            throw new ModelFileException($"{source} cannot be read: {e.Message}", e);
        }
        catch (FileNotFoundException e)
        {
            throw new ModelFileException($"{source} does not exist.", e);
        }
    }

    /// <summary>
    /// The loop state's fields, each against what it can be: a damaged or edited checkpoint is refused naming the field,
    /// expected and found, instead of resuming silently from nonsense or failing later with an index out of range.
    /// </summary>
    private static void Check(TrainingState state, string source, int samples, int batches)
    {
        void Field(bool ok, string field, object got, string expected)
        {
            if (!ok) throw new ModelFileException($"{source} is damaged: its training state field '{field}' is {got}, expected {expected}.");
        }
        Field(state.Epoch >= 0, "Epoch", state.Epoch, "≥ 0");
        Field(state.Batch >= 0 && (batches < 0 || state.Batch <= batches), "Batch", state.Batch, batches < 0 ? "≥ 0" : $"between 0 and {batches} (batches per epoch)");
        Field(state.OrderEpoch >= -1 && state.OrderEpoch <= state.Epoch, "OrderEpoch", state.OrderEpoch, $"between -1 and the epoch {state.Epoch}");
        Field(state.Rng.Length == 4, "Rng", $"{state.Rng.Length} words", "4");
        Field(state.Iterations >= 0, "Iterations", state.Iterations, "≥ 0");
        Field(state.EpochSamples >= 0, "EpochSamples", state.EpochSamples, "≥ 0");
        Field(state.Wait >= 0, "Wait", state.Wait, "≥ 0");
        Field(state.BestEpoch >= 0 && state.BestEpoch <= Math.Max(state.Epoch, 0) + 1, "BestEpoch", state.BestEpoch, $"between 0 and {state.Epoch + 1}");
        Field(state.Loss.Count <= state.Epoch + 1, "Loss", $"{state.Loss.Count} entries", $"at most {state.Epoch + 1} (one per epoch done)");
        if (state.OrderEpoch == state.Epoch && samples >= 0)
        {
            Field(state.Order.Length == samples, "Order", $"{state.Order.Length} entries", $"{samples} (one per training sample)");
            var seen = new bool[samples];
            foreach (int i in state.Order)
            {
                Field(i >= 0 && i < samples && !seen[i], "Order", $"a list with entry {i}", $"a permutation of 0..{samples - 1}");
                seen[i] = true;
            }
        }
    }

    private static string Explain(string saved, string current)
    {
        var a = saved.Split('|');
        var b = current.Split('|');
        string[] names = ["architecture", "optimizer", "loss", "data", "options"];
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return $"the {(i < names.Length ? names[i] : "setup")} differs";
        return "the setup differs";
    }
}
