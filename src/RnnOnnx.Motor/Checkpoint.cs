using RnnOnnx.Randomness;
using System.Text;
using System.Text.Json;
using RnnOnnx;

namespace RnnOnnx.Motor;

public sealed partial class MotorTrainer
{
    private const string Magic = "RNNOMOTR";
    private const int FormatVersion = 1;

    private sealed record Config(string Effector, ReachingTask Task, SensoryOptions Sensing, TrainingOptions Options);

    /// <summary>
    /// Saves everything a resumed run needs to continue bit-for-bit: configuration, weights, Adam moments and step,
    /// and the random stream's state. Written to a temporary file then renamed over <paramref name="path"/>, so a
    /// crash never leaves a half-written checkpoint.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var w = new BinaryWriter(fs, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Encoding.ASCII.GetBytes(Magic));
            w.Write(FormatVersion);
            w.Write(JsonSerializer.Serialize(new Config(Effector.Name, Task, Sensing, Options)));
            w.Write(BatchesDone);
            foreach (ulong s in _rng.GetState()) w.Write(s);
            foreach (var group in new[] { Policy.Tensors, _m, _v })
                foreach (var a in group)
                {
                    w.Write(a.Length);
                    foreach (float f in a) w.Write(f);
                }
            w.Flush();
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Restores a trainer saved by <see cref="SaveCheckpoint"/>; training continues exactly where it stopped.</summary>
    /// <exception cref="ModelFileException">The file is not a motor checkpoint or is damaged.</exception>
    public static MotorTrainer LoadCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var fs = Serialization.InputFile.OpenRead(path);
            using var r = new BinaryReader(fs, Encoding.UTF8);
            if (Encoding.ASCII.GetString(r.ReadBytes(Magic.Length)) != Magic)
                throw new ModelFileException($"'{path}' is not an RnnOnnx motor checkpoint.");
            int version = r.ReadInt32();
            if (version != FormatVersion) throw new ModelFileException($"'{path}' has checkpoint format {version}; this build reads {FormatVersion}.");
            var cfg = JsonSerializer.Deserialize<Config>(r.ReadString()) ?? throw new ModelFileException($"'{path}' has no configuration.");
            var trainer = new MotorTrainer(Motor.Effector.Create(cfg.Effector), cfg.Task, cfg.Sensing, cfg.Options);
            trainer.BatchesDone = r.ReadInt64();
            trainer._rng.SetState([r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64()]);
            foreach (var group in new[] { trainer.Policy.Tensors, trainer._m, trainer._v })
                foreach (var a in group)
                {
                    int n = r.ReadInt32();
                    if (n != a.Length) throw new ModelFileException($"'{path}': a tensor has {n} values, the configuration implies {a.Length}.");
                    for (int i = 0; i < n; i++) a[i] = r.ReadSingle();
                }
            if (fs.Position != fs.Length) throw new ModelFileException($"'{path}' has {fs.Length - fs.Position} unexpected trailing bytes.");
            return trainer;
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFileException($"'{path}' is truncated.", e);
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"'{path}' has an unreadable configuration.", e);
        }
    }

    /// <summary>Loss and weight gradients (W, R, b, rb, Wd, bd) on a batch drawn from <paramref name="seed"/>; for gradient checks.</summary>
    internal (double Loss, float[][] Gradients) LossAndGradients(ulong seed, int batchSize)
    {
        var ep = new Episode(this, batchSize);
        ep.Sample(new Rng(seed));
        var (loss, _) = ep.Forward();
        float[][] g = [.. Policy.Tensors.Select(x => new float[x.Length])];
        ep.Backward(g);
        return (loss, g);
    }
}
