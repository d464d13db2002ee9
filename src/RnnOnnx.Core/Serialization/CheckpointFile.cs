using RnnOnnx.Layers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RnnOnnx.Training;

namespace RnnOnnx.Serialization;

/// <summary>
/// A training checkpoint: the model's weights (its architecture is part of the fingerprint), the optimizer's slots, the best weights kept by
/// early stopping, and the loop state (epoch, batch, sample order, RNG, history), written atomically.
/// <para>
/// Format 3 ends with the SHA-256 of everything before it. Atomic writes already rule out a half-written checkpoint
/// from a crash; the hash catches what they cannot — a file truncated or damaged afterwards (copy, disk) — because a
/// flipped byte inside the weights would otherwise resume silently into a wrong model. The loop state is then checked
/// against the run being resumed (epoch, batch index, sample order, history lengths), so a file that is intact but
/// describes an impossible position is refused too, naming the field.
/// </para>
/// </summary>
internal static class CheckpointFile
{
    private const string Magic = "RNNONNX-CHECKPOINT/3\n";
    private const int HashLength = 32;

    /// <summary>The best loss starts at +∞ (nothing seen yet); JSON has no infinity unless asked to spell it.</summary>
    private static readonly JsonSerializerOptions StateJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Save(string path, IReadOnlyList<Parameter> weights, TrainingState state, IReadOnlyList<float[]> optimizerSlots, IReadOnlyList<float[]>? bestWeights)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            ModelSerializer.WriteString(writer, JsonSerializer.Serialize(state, StateJson));
            ModelSerializer.WriteArrays(writer, weights.Select(p => p.Value).ToList());
            ModelSerializer.WriteArrays(writer, optimizerSlots);
            ModelSerializer.WriteArrays(writer, bestWeights ?? []);
        }
        var hash = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        AtomicFile.Write(path, stream =>
        {
            stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            stream.Write(hash);
        });
    }

    /// <summary>Loads a checkpoint into the weights of an already built model whose architecture must match.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="weights">The model's weights, overwritten only when the whole file is good.</param>
    /// <param name="optimizerSlots">The optimizer's state arrays, likewise.</param>
    /// <param name="bestWeights">Early stopping's best weights, likewise.</param>
    /// <param name="fingerprint">The run being resumed (architecture, optimizer, loss, data, options); must match the file's.</param>
    /// <param name="samples">Training samples of the run being resumed (the sample order must be a permutation of them).</param>
    /// <param name="batches">Batches per epoch of that run (the batch index must be below it).</param>
    /// <exception cref="ModelFileException">Missing, unreadable, damaged (hash), of another format or run, or an impossible loop state (named).</exception>
    public static TrainingState Load(string path, IReadOnlyList<Parameter> weights, IReadOnlyList<float[]> optimizerSlots, IReadOnlyList<float[]> bestWeights,
                                     string fingerprint, int samples, int batches)
    {
        string source = $"Checkpoint '{path}'";
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            using (var head = new BinaryReader(new MemoryStream(bytes, 0, Math.Min(bytes.Length, Magic.Length))))
                ModelSerializer.ExpectMagic(head, Magic, source, "an RnnOnnx checkpoint");
            if (bytes.Length < Magic.Length + HashLength)
                throw new ModelFileException($"{source} is truncated ({bytes.Length} bytes); start the run again or resume from an intact checkpoint.");
            int body = bytes.Length - HashLength;
            if (!SHA256.HashData(bytes.AsSpan(0, body)).AsSpan().SequenceEqual(bytes.AsSpan(body)))
                throw new ModelFileException($"{source} is damaged or truncated (its SHA-256 does not match its content); start the run again or resume from an intact checkpoint.");
            using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length, body - Magic.Length));
            var state = JsonSerializer.Deserialize<TrainingState>(ModelSerializer.ReadString(reader, source), StateJson)
                        ?? throw new ModelFileException($"{source} has no training state.");
            if (state.Fingerprint != fingerprint)
                throw new ModelFileException($"{source} was written by another training run (model, optimizer, loss or data differ): {Explain(state.Fingerprint, fingerprint)}.");
            Validate(state, samples, batches, source);
            // Read everything into fresh arrays first: a truncated file must not leave model or optimizer half overwritten.
            var targets = weights.Select(p => p.Value).Concat(optimizerSlots).Concat(state.HasBestWeights ? bestWeights : []).ToList();
            var fresh = targets.Select(t => new float[t.Length]).ToList();
            int w = weights.Count, o = optimizerSlots.Count;
            ModelSerializer.ReadArraysInto(reader, fresh[..w], source, i => $"weight array {i} ({weights[i].Name})");
            ModelSerializer.ReadArraysInto(reader, fresh[w..(w + o)], source, i => $"optimizer state array {i}");
            ModelSerializer.ReadArraysInto(reader, fresh[(w + o)..], source, i => $"best-weights array {i}");
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new ModelFileException($"{source} has {reader.BaseStream.Length - reader.BaseStream.Position} unexpected bytes after its arrays.");
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

    /// <summary>Refuses a loop state the training loop could not have written for this run.</summary>
    private static void Validate(TrainingState s, int samples, int batches, string source)
    {
        static string Bad(string field, object value, string rule) => $"has an impossible {field} {value} ({rule})";
        string? problem =
            s.Epoch < 0 ? Bad("epoch", s.Epoch, "must be 0 or more") :
            s.Batch < 0 || s.Batch >= Math.Max(batches, 1) ? Bad("batch index", s.Batch, $"this run has {batches} batches per epoch") :
            s.Loss is null || s.Loss.Count != s.Epoch ? Bad("loss history length", s.Loss?.Count ?? -1, $"must equal the epoch {s.Epoch}") :
            s.ValidationLoss is null || (s.ValidationLoss.Count != 0 && s.ValidationLoss.Count != s.Epoch) ? Bad("validation history length", s.ValidationLoss?.Count ?? -1, $"must be 0 or the epoch {s.Epoch}") :
            s.OrderEpoch < -1 || s.OrderEpoch > s.Epoch ? Bad("order epoch", s.OrderEpoch, $"must be between -1 and the epoch {s.Epoch}") :
            s.Batch > 0 && s.OrderEpoch != s.Epoch ? Bad("batch index", s.Batch, "mid-epoch, but the sample order is not this epoch's") :
            s.OrderEpoch == s.Epoch && !IsPermutation(s.Order, samples) ? Bad("sample order", $"of {s.Order?.Length ?? 0} entries", $"must be a permutation of this run's {samples} samples") :
            s.Rng is null || s.Rng.Length != 4 ? Bad("RNG state", $"of {s.Rng?.Length ?? 0} words", "must have 4") :
            s.Iterations < 0 ? Bad("optimizer step count", s.Iterations, "must be 0 or more") :
            s.EpochSamples < 0 || s.EpochSamples > samples ? Bad("sample count", s.EpochSamples, $"this run has {samples} samples") :
            s.Wait < 0 ? Bad("early-stopping wait", s.Wait, "must be 0 or more") :
            s.BestEpoch < 0 || s.BestEpoch > s.Epoch ? Bad("best epoch", s.BestEpoch, $"must be between 0 and the epoch {s.Epoch}") :
            !double.IsFinite(s.EpochLossSum) || s.Loss.Concat(s.ValidationLoss).Any(l => !double.IsFinite(l)) ? "has a non-finite loss" :
            null;
        if (problem is not null) throw new ModelFileException($"{source} {problem}; it cannot be resumed.");
    }

    private static bool IsPermutation(int[]? order, int count)
    {
        if (order is null || order.Length != count) return false;
        var seen = new bool[count];
        foreach (int i in order)
        {
            if (i < 0 || i >= count || seen[i]) return false;
            seen[i] = true;
        }
        return true;
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
