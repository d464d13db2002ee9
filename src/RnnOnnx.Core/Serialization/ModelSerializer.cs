using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RnnOnnx.Layers;
using RnnOnnx.Training;

namespace RnnOnnx.Serialization;

/// <summary>
/// The native model format: a magic line, a JSON description of the architecture (input shape, layers and their
/// options), then every parameter as little-endian float32 with its length. Round-trips bit-exactly.
/// </summary>
internal static class ModelSerializer
{
    private const string Magic = "RNNONNX-MODEL/1\n";

    public static void Write(BinaryWriter writer, Sequential model)
    {
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        WriteString(writer, DescribeArchitecture(model));
        WriteArrays(writer, model.Parameters.Select(p => p.Value).ToList());
    }

    public static Sequential Read(BinaryReader reader, string source)
    {
        ExpectMagic(reader, Magic, source, "an RnnOnnx model");
        string json = ReadString(reader, source);
        var model = FromArchitecture(json, source);
        var parameters = model.Parameters;
        ReadArraysInto(reader, parameters.Select(p => p.Value).ToList(), source, i => $"{parameters[i].Name} of layer {OwnerName(model, parameters[i])}");
        return model;
    }

    /// <summary>The architecture as JSON: equal strings mean the same model structure.</summary>
    public static string DescribeArchitecture(Sequential model)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", "rnnonnx-model");
            json.WriteNumber("version", 1);
            json.WriteStartObject("input");
            json.WriteBoolean("isSequence", model.InputShape.IsSequence);
            json.WriteNumber("width", model.InputShape.Width);
            if (model.InputShape.Image is { } image)
            {
                json.WriteStartArray("image");
                json.WriteNumberValue(image.Height);
                json.WriteNumberValue(image.Width);
                json.WriteNumberValue(image.Channels);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteStartArray("layers");
            foreach (var layer in model.Layers)
            {
                json.WriteStartObject();
                json.WriteString("type", layer.TypeName);
                json.WriteString("name", layer.Name);
                json.WriteStartObject("config");
                layer.WriteConfig(json);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Sequential FromArchitecture(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var model = new Sequential();
            int index = 0;
            foreach (var entry in root.GetProperty("layers").EnumerateArray())
            {
                index++;
                var header = new ConfigReader(entry, $"{source}, layer {index}");
                var layer = LayerConfig.Create(header.String("type"), entry.GetProperty("config"), $"{source}, layer {index}");
                layer.Name = header.String("name");
                model.Add(layer);
            }
            var input = new ConfigReader(root.GetProperty("input"), $"{source}, input");
            var shape = input.Image("image") is { } image ? LayerShape.ForImage(image) : new LayerShape(input.Bool("isSequence"), input.Int("width"));
            model.Build(shape);
            return model;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ModelFileException($"{source}: the model description is not valid ({e.Message}).", e);
        }
        catch (Exception e) when (e is RnnOnnxException and not ModelFileException)
        {
            // Each layer is valid alone but they do not fit together (or the input shape is impossible).
            throw new ModelFileException($"{source}: the model it describes cannot be built ({e.Message})", e);
        }
    }

    private static string OwnerName(Sequential model, Parameter parameter)
    {
        foreach (var layer in model.Layers)
            if (layer.Parameters.Contains(parameter)) return $"'{layer.Name}'";
        return "?";
    }

    public static void ExpectMagic(BinaryReader reader, string magic, string source, string what)
    {
        var expected = Encoding.ASCII.GetBytes(magic);
        var actual = reader.ReadBytes(expected.Length);
        if (actual.AsSpan().SequenceEqual(expected)) return;
        // Same format name, another version: say so rather than "not a file of this kind".
        int slash = magic.LastIndexOf('/');
        if (slash > 0 && actual.Length > slash && actual.AsSpan(0, slash + 1).SequenceEqual(expected.AsSpan(0, slash + 1)))
            throw new ModelFileException($"{source} is {what} file of another format version ('{Encoding.ASCII.GetString(actual).TrimEnd()}', this build reads '{magic.TrimEnd()}'); start the run again without it.");
        throw new ModelFileException($"{source} is not {what} file (it does not start with '{magic.TrimEnd()}').");
    }

    public static void WriteString(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    public static string ReadString(BinaryReader reader, string source)
    {
        int length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new ModelFileException($"{source} is truncated or corrupt (a text section claims {length} bytes).");
        return Encoding.UTF8.GetString(reader.ReadBytes(length));
    }

    public static void WriteArrays(BinaryWriter writer, IReadOnlyList<float[]> arrays)
    {
        writer.Write(arrays.Count);
        foreach (var array in arrays)
        {
            writer.Write(array.Length);
            writer.Write(MemoryMarshal.AsBytes(array.AsSpan()));
        }
    }

    public static void ReadArraysInto(BinaryReader reader, IReadOnlyList<float[]> arrays, string source, Func<int, string> describe)
    {
        int count = reader.ReadInt32();
        if (count != arrays.Count)
            throw new ModelFileException($"{source} holds {count} weight arrays but the architecture has {arrays.Count}.");
        for (int i = 0; i < count; i++)
        {
            int length = reader.ReadInt32();
            if (length != arrays[i].Length)
                throw new ModelFileException($"{source}: {describe(i)} has {length} values in the file but the architecture needs {arrays[i].Length}.");
            var bytes = MemoryMarshal.AsBytes(arrays[i].AsSpan());
            if (reader.Read(bytes) != bytes.Length)
                throw new ModelFileException($"{source} is truncated inside {describe(i)}.");
        }
    }
}
