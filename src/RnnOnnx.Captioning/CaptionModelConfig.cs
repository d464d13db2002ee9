using System.Text;
using System.Text.Json;

namespace RnnOnnx.Captioning;

/// <summary>
/// What a captioner's two ONNX files carry in <c>rnnonnx.config</c>: the vocabulary, what the encoder reads per image
/// (channels-first raw 0..255 pixels [3, height, width] as ML.NET's ExtractPixels gives them, or a feature vector [width]),
/// the longest caption to generate, and the file names of both halves so that either file finds the other.
/// </summary>
internal sealed record CaptionModelConfig(CaptionVocabulary Vocabulary, CaptionEncoder Encoder, int[] InputShape, int MaxLength, string EncoderFile, string DecoderFile)
{
    public int InputLength => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>The input in words, for messages: "3×64×64 channels-first pixels" or "512 features".</summary>
    public string DescribeInput() => Encoder == CaptionEncoder.Convolutional
        ? $"{string.Join('×', InputShape)} = {InputLength} channels-first pixel values"
        : $"{InputLength} features";

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Vocabulary.Write(json);
            json.WriteStartObject("input");
            json.WriteString("kind", Encoder == CaptionEncoder.Convolutional ? "pixels" : "features");
            json.WriteStartArray("shape");
            foreach (int d in InputShape) json.WriteNumberValue(d);
            json.WriteEndArray();
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
            var input = root.GetProperty("input");
            var encoder = input.GetProperty("kind").GetString() switch
            {
                "pixels" => CaptionEncoder.Convolutional,
                "features" => CaptionEncoder.Features,
                var other => throw new ModelFileException($"{source}: config field 'input.kind' is '{other}'; expected pixels or features."),
            };
            var shape = input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            if (shape.Length != (encoder == CaptionEncoder.Convolutional ? 3 : 1) || shape.Any(d => d < 1))
                throw new ModelFileException($"{source}: config field 'input.shape' [{string.Join(", ", shape)}] does not fit {encoder} input.");
            int maxLength = root.GetProperty("maxLength").GetInt32();
            if (maxLength < 1) throw new ModelFileException($"{source}: config field 'maxLength' must be positive.");
            return new CaptionModelConfig(vocabulary, encoder, shape, maxLength, root.GetProperty("encoder").GetString()!, root.GetProperty("decoder").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelFileException($"{source}: the captioner config in rnnonnx.config is not valid ({e.Message}).", e);
        }
    }
}
