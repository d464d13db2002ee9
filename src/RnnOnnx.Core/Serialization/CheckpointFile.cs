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
    public static TrainingState Load(string path, IReadOnlyList<Parameter> weights, IReadOnlyList<float[]> optimizerSlots, IReadOnlyList<float[]> bestWeights, string fingerprint)
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
