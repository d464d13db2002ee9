using System.Text;

namespace RnnOnnx.Text;

/// <summary>Reads a training text for <see cref="TextTrainer"/>: strict UTF-8, not empty, not binary.</summary>
public static class TrainingText
{
    /// <summary>The text of the file at <paramref name="path"/> (a leading byte-order mark removed).</summary>
    /// <exception cref="DataException">The file is empty, not UTF-8, or contains NUL bytes (a binary file).</exception>
    public static string Read(string path)
    {
        var bytes = Serialization.InputFile.ReadAllBytes(path);
        if (bytes.Length == 0) throw new DataException($"The training text '{path}' is empty.");
        // NUL never occurs in text; one is the cheapest sure sign of a binary file.
        int nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0) throw new DataException($"'{path}' is not a text file (a NUL byte at offset {nul}); give UTF-8 text.");
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataException($"'{path}' is not UTF-8 text (invalid bytes at offset {e.Index}); convert it to UTF-8.");
        }
        return text.TrimStart('\uFEFF');
    }
}
