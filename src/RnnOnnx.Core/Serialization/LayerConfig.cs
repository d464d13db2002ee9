using System.Text.Json;
using RnnOnnx.Layers;

namespace RnnOnnx.Serialization;

/// <summary>
/// Which layer type a model file's type name means. Each layer writes (<c>WriteConfig</c>) and reads
/// (<c>ReadConfig</c>) its own options; a new layer type adds one line here.
/// </summary>
internal static class LayerConfig
{
    private static readonly Dictionary<string, Func<ConfigReader, Layer>> Readers = new(StringComparer.Ordinal)
    {
        [Dense.Type] = Dense.ReadConfig,
        [Dropout.Type] = Dropout.ReadConfig,
        [Embedding.Type] = Embedding.ReadConfig,
        [Lstm.Type] = Lstm.ReadConfig,
        [Gru.Type] = Gru.ReadConfig,
        [SimpleRnn.Type] = SimpleRnn.ReadConfig,
        [Bidirectional.Type] = Bidirectional.ReadConfig,
        [Conv2D.Type] = Conv2D.ReadConfig,
        [MaxPool2D.Type] = MaxPool2D.ReadConfig,
        [Flatten.Type] = Flatten.ReadConfig,
        [Rescaling.Type] = Rescaling.ReadConfig,
    };

    /// <summary>The type names model files may use.</summary>
    public static IReadOnlyCollection<string> TypeNames => Readers.Keys;

    /// <summary>Creates the layer a file describes; <paramref name="where"/> names the file and the layer in errors.</summary>
    /// <exception cref="ModelFileException">Unknown type, or options that are missing, mistyped or out of range.</exception>
    public static Layer Create(string type, JsonElement config, string where)
    {
        if (!Readers.TryGetValue(type, out var read)) throw new ModelFileException($"{where}: unknown layer type '{type}'.");
        try
        {
            return read(new ConfigReader(config, $"{where} ({type})"));
        }
        catch (ModelConfigurationException e)
        {
            // The constructor's own check (units ≥ 1, rate in [0, 1), …): the file asks for a layer that cannot exist.
            throw new ModelFileException($"{where}: the {type} layer's options are invalid ({e.Message})", e);
        }
    }
}
