using System.Text.Json;
using RnnOnnx.Layers;

namespace RnnOnnx.Serialization;

/// <summary>Reads a layer back from the options its <c>WriteConfig</c> wrote: the one place that knows every layer type.</summary>
internal static class LayerConfig
{
    public static Layer Create(string type, JsonElement config, string where)
    {
        try
        {
            return type switch
            {
                "Dense" => new Dense(Int(config, "units"), Enum.Parse<Activation>(config.GetProperty("activation").GetString()!)),
                "Dropout" => new Dropout(config.GetProperty("rate").GetSingle()),
                "Embedding" => new Embedding(Int(config, "inputDim"), Int(config, "outputDim")),
                "Lstm" => new Lstm(Int(config, "units"), config.GetProperty("returnSequences").GetBoolean()),
                "Gru" => new Gru(Int(config, "units"), config.GetProperty("returnSequences").GetBoolean()),
                "SimpleRnn" => new SimpleRnn(Int(config, "units"), config.GetProperty("returnSequences").GetBoolean(),
                                             Enum.Parse<Activation>(config.GetProperty("activation").GetString()!)),
                "Conv2D" => new Conv2D(Int(config, "filters"), Int(config, "kernelSize"), Enum.Parse<Activation>(config.GetProperty("activation").GetString()!),
                                       Enum.Parse<Padding>(config.GetProperty("padding").GetString()!),
                                       config.TryGetProperty("inputShape", out var image) ? new ImageShape(image[0].GetInt32(), image[1].GetInt32(), image[2].GetInt32()) : null),
                "MaxPool2D" => new MaxPool2D(Int(config, "poolSize")),
                "Flatten" => new Flatten(),
                "Rescaling" => new Rescaling(config.GetProperty("scale").GetSingle(), config.GetProperty("offset").GetSingle()),
                "Bidirectional" => new Bidirectional((RecurrentLayer)Create(config.GetProperty("layerType").GetString()!, config.GetProperty("layer"), where)),
                _ => throw new ModelFileException($"{where}: unknown layer type '{type}'."),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or InvalidCastException)
        {
            throw new ModelFileException($"{where}: the {type} layer's options are invalid ({e.Message}).", e);
        }
    }

    private static int Int(JsonElement config, string name) => config.GetProperty(name).GetInt32();
}
