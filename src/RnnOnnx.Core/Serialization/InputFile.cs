namespace RnnOnnx.Serialization;

/// <summary>
/// Opens input files so that the usual mistakes get a message naming them: a folder given where a file is expected
/// ("'X' is a folder, not a file", not the operating system's "Access to the path is denied"); other I/O errors
/// (a missing file) stay <see cref="IOException"/>s for the caller to wrap in its typed error.
/// Every model, data and recipe read of the libraries and the command line goes through here.
/// </summary>
public static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="InputPathException">The path is a folder.</exception>
    /// <exception cref="IOException">Reading failed otherwise.</exception>
    public static FileStream OpenRead(string path)
    {
        Check(path);
        // A missing or unreadable file stays the IOException each caller wraps in its own typed error (model, data, checkpoint).
        return File.OpenRead(path);
    }

    /// <summary>Reads all bytes of <paramref name="path"/>.</summary>
    /// <exception cref="InputPathException">The path is a folder.</exception>
    /// <exception cref="IOException">Reading failed otherwise.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        using var stream = OpenRead(path);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Reads all text of <paramref name="path"/> (UTF-8, or the encoding its byte-order mark names).</summary>
    /// <exception cref="InputPathException">The path is a folder.</exception>
    /// <exception cref="IOException">Reading failed otherwise.</exception>
    public static string ReadAllText(string path)
    {
        using var stream = OpenRead(path);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Throws when <paramref name="path"/> is empty or names a folder.</summary>
    /// <exception cref="InputPathException">The path is a folder.</exception>
    public static void Check(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new InputPathException($"'{path}' is a folder, not a file.");
    }
}
