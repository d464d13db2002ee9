using System.Text;
using System.Text.Json;

namespace RnnOnnx.ML.Captioning;

/// <summary>
/// What a captioner's two ONNX files carry in <c>rnnonnx.config</c>: the vocabulary, the image size the encoder takes
/// (channels-first raw 0..255 pixels, as ML.NET's ExtractPixels gives them), the longest caption to generate, and
/// the file names of both halves so that either file finds the other.
/// </summary>
internal sealed record CaptionModelConfig(CaptionVocabulary Vocabulary, int Height, int Width, int Channels, int MaxLength, string EncoderFile, string DecoderFile)
{
    public int PixelCount => Height * Width * Channels;

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Vocabulary.Write(json);
            json.WriteStartObject("image");
            json.WriteNumber("channels", Channels);
            json.WriteNumber("height", Height);
            json.WriteNumber("width", Width);
            json.WriteEndObject();
            json.WriteNumber("maxLength", MaxLength);
            json.WriteString("encoder", EncoderFile);
            json.WriteString("decoder", DecoderFile);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <exception cref="ModelFileException">The JSON lacks a field or holds a bad value (named).</exception>
    public static CaptionModelConfig Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var vocabulary = CaptionVocabulary.Read(root, source);
            var image = root.GetProperty("image");
            int Positive(JsonElement e, string name) =>
                e.GetProperty(name).GetInt32() is > 0 and var v ? v : throw new ModelFileException($"{source}: config field '{name}' must be positive.");
            return new CaptionModelConfig(vocabulary, Positive(image, "height"), Positive(image, "width"), Positive(image, "channels"),
                Positive(root, "maxLength"), root.GetProperty("encoder").GetString()!, root.GetProperty("decoder").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelFileException($"{source}: the captioner config in rnnonnx.config is not valid ({e.Message}).", e);
        }
    }
}
