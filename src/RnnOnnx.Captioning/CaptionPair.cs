using System.Security.Cryptography;
using RnnOnnx.Onnx;

namespace RnnOnnx.Captioning;

/// <summary>
/// Keeps a captioner's two files (encoder and decoder) one unit, written and read together.
/// <para>
/// Why ids in the files rather than a folder swap or a manifest: a captioner lives in the user's folder next to other
/// files (often other models), so the pair cannot be swapped in by renaming a folder, and two files cannot be replaced
/// by one rename; a manifest would be a third file that must travel with the model. Instead both files carry the pair id
/// <see cref="RnnOnnxMetadata.Pair"/> (a SHA-256 of both files' contents before the id was added, so two trainings
/// never share one, and an unchanged model gets the same bytes on every export), and the decoder also carries the
/// SHA-256 of the exact encoder file (<see cref="RnnOnnxMetadata.PairEncoderSha256"/>). The encoder is written first and
/// the decoder last: the decoder is the commit record. A crash between the two writes leaves a new encoder beside the old
/// decoder, which every reader refuses (the old decoder names another encoder hash), and a decoder never names an
/// encoder that was not completely written before it.
/// </para>
/// </summary>
internal static class CaptionPair
{
    /// <summary>The exported encoder and decoder with the pair id in both and the encoder's hash in the decoder.</summary>
    public static (byte[] Encoder, byte[] Decoder) Seal(byte[] encoder, byte[] decoder)
    {
        string id = Convert.ToHexStringLower(SHA256.HashData([.. SHA256.HashData(encoder), .. SHA256.HashData(decoder)]));
        var sealedEncoder = RnnOnnxMetadata.With(encoder, [new(RnnOnnxMetadata.Pair, id)]);
        var sealedDecoder = RnnOnnxMetadata.With(decoder,
        [
            new(RnnOnnxMetadata.Pair, id),
            new(RnnOnnxMetadata.PairEncoderSha256, Convert.ToHexStringLower(SHA256.HashData(sealedEncoder))),
        ]);
        return (sealedEncoder, sealedDecoder);
    }

    /// <summary>What one half says about the pair, and the hash of its own bytes.</summary>
    public sealed record Half(string File, string? PairId, string? EncoderSha256, string Sha256);

    /// <summary>Refuses an encoder and a decoder that were not written together (naming both files).</summary>
    /// <exception cref="ModelFileException">An id is missing or the halves do not belong together.</exception>
    public static void Check(Half encoder, Half decoder)
    {
        string both = $"'{decoder.File}' (decoder) and '{encoder.File}' (encoder)";
        if (decoder.PairId is null || encoder.PairId is null || decoder.EncoderSha256 is null)
            throw new ModelFileException(
                $"{both} do not carry the pair id ({RnnOnnxMetadata.Pair}) that proves they were written together; they were written by an older RnnOnnx or edited — train the captioner again.");
        if (decoder.PairId != encoder.PairId || !string.Equals(decoder.EncoderSha256, encoder.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelFileException(
                $"{both} are not one captioner: the decoder was written with encoder {Short(decoder.EncoderSha256)} (pair {Short(decoder.PairId)}), " +
                $"but the encoder file is {Short(encoder.Sha256)} (pair {Short(encoder.PairId)}). A write was interrupted or one file was replaced; train again or restore both files together.");
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    /// <summary>
    /// A file name read from a model's metadata, resolved in the model's folder; refused unless it stays inside that
    /// folder once <c>..</c> and symbolic links (of the folder, the name and every step between) are resolved.
    /// </summary>
    /// <exception cref="ModelFileException">The name is absolute, empty, or leads outside the folder (naming the path and the model).</exception>
    public static string ResolveInside(string folder, string name, string model, string what)
    {
        string realFolder = RealPath(folder);
        string candidate = Path.GetFullPath(Path.Combine(realFolder, name));
        string real = RealPath(candidate);
        string prefix = realFolder.EndsWith(Path.DirectorySeparatorChar) ? realFolder : realFolder + Path.DirectorySeparatorChar;
        if (string.IsNullOrWhiteSpace(name) || Path.IsPathRooted(name) || !real.StartsWith(prefix, StringComparison.Ordinal))
            throw new ModelFileException(
                $"'{model}' names its {what} as '{name}', which resolves to '{real}', outside the model's folder '{realFolder}'; a model's files must be inside its folder, so the model is refused.");
        return real;
    }

    /// <summary>The path with every symbolic link resolved (like realpath(3)); parts that do not exist are kept as written.</summary>
    internal static string RealPath(string path, int hops = 0)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) return full;
        string here = Path.Combine(RealPath(parent, hops), Path.GetFileName(full));
        string? link;
        try { link = new FileInfo(here).LinkTarget; }
        catch (IOException) { link = null; }
        catch (UnauthorizedAccessException) { link = null; }
        if (link is null) return here;
        if (hops >= 40) throw new ModelFileException($"'{path}' is a chain of more than 40 symbolic links.");
        return RealPath(Path.GetFullPath(link, Path.GetDirectoryName(here)!), hops + 1);
    }
}
